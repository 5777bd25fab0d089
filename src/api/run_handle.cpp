// RunHandle: a prepared job on its own thread, observed and canceled from others.
#include <ansible_runner/run_handle.hpp>

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "api/event_filters.hpp"
#include "api/prepared_job.hpp"
#include "util/fs.hpp"

namespace ansible_runner {

namespace detail {

// Shared by the handle, the job's thread (through a plain pointer: the handle outlives it by
// joining) and event ranges that follow the job.
struct AsyncJob {
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  RunResult state;
  bool done = false;
  std::exception_ptr error;
  std::atomic<bool> cancel_requested{false};
  Handlers user;
  Handlers wrapped;
  std::thread thread;

  bool is_done() const {
    std::lock_guard lock(mutex);
    return done;
  }

  void join() {
    if (thread.joinable()) {
      if (thread.get_id() == std::this_thread::get_id()) {
        thread.detach(); // the last owner went away inside one of the job's own handlers
      } else {
        thread.join();
      }
    }
  }

  ~AsyncJob() { join(); }
};

} // namespace detail

namespace api {

namespace {

// The user's handlers plus the bookkeeping the handle reads: the live status, and cancel().
Handlers wrap_handlers(detail::AsyncJob& job) {
  Handlers wrapped = job.user;
  wrapped.on_status = [&job](const Json& data) {
    if (data.contains("status") && data["status"].is_string()) {
      std::lock_guard lock(job.mutex);
      job.state.status = data["status"].get<std::string>();
    }
    if (job.user.on_status) {
      job.user.on_status(data);
    }
  };
  wrapped.should_cancel = [&job]() {
    if (job.cancel_requested.load()) {
      return true;
    }
    return job.user.should_cancel ? job.user.should_cancel() : false;
  };
  wrapped.on_finished = [&job](const RunResult& result) {
    {
      std::lock_guard lock(job.mutex);
      job.state = result;
    }
    if (job.user.on_finished) {
      job.user.on_finished(result);
    }
  };
  return wrapped;
}

} // namespace

RunHandle start_async(PreparedJob prepared, const Handlers& handlers) {
  auto job = std::make_shared<detail::AsyncJob>();
  job->state = prepared.description;
  job->user = handlers;
  job->wrapped = wrap_handlers(*job);
  detail::AsyncJob* raw = job.get();
  job->thread = std::thread([raw, run = std::move(prepared.run)]() {
    RunResult result;
    std::exception_ptr error;
    try {
      result = run(raw->wrapped);
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard lock(raw->mutex);
      if (error) {
        raw->error = error;
      } else {
        raw->state = std::move(result);
      }
      raw->done = true;
    }
    raw->changed.notify_all();
  });
  return RunHandle(std::move(job));
}

} // namespace api

RunHandle::RunHandle(std::shared_ptr<detail::AsyncJob> job) : m_job(std::move(job)) {}
RunHandle::RunHandle(RunHandle&&) noexcept = default;

RunHandle& RunHandle::operator=(RunHandle&& other) noexcept {
  if (this != &other) {
    if (m_job) {
      m_job->join();
    }
    m_job = std::move(other.m_job);
  }
  return *this;
}

RunHandle::~RunHandle() {
  if (m_job) {
    m_job->join();
  }
}

std::string RunHandle::status() const {
  std::lock_guard lock(m_job->mutex);
  return m_job->state.status;
}

std::optional<int> RunHandle::rc() const {
  std::lock_guard lock(m_job->mutex);
  return m_job->done ? m_job->state.rc : std::nullopt;
}

bool RunHandle::finished() const { return m_job->is_done(); }

void RunHandle::cancel() { m_job->cancel_requested.store(true); }

const RunResult& RunHandle::wait() {
  std::unique_lock lock(m_job->mutex);
  m_job->changed.wait(lock, [this] { return m_job->done; });
  if (m_job->error) {
    std::rethrow_exception(m_job->error);
  }
  return m_job->state;
}

bool RunHandle::wait_for(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(m_job->mutex);
  return m_job->changed.wait_for(lock, timeout, [this] { return m_job->done; });
}

RunResult RunHandle::snapshot() const {
  std::lock_guard lock(m_job->mutex);
  RunResult copy = m_job->state;
  if (!m_job->done) {
    copy.rc.reset();
  }
  return copy;
}

EventRange RunHandle::events() const {
  std::shared_ptr<detail::AsyncJob> job = m_job;
  return EventRange(util::path_join(snapshot().artifact_dir, "job_events"), {},
                    [job]() { return !job->is_done(); });
}

EventRange RunHandle::host_events(const std::string& host) const {
  std::shared_ptr<detail::AsyncJob> job = m_job;
  return EventRange(util::path_join(snapshot().artifact_dir, "job_events"), api::host_filter(host),
                    [job]() { return !job->is_done(); });
}

} // namespace ansible_runner
