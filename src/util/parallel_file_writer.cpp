// ParallelFileWriter: see the header for what it promises.
#include "util/parallel_file_writer.hpp"

#include <ansible_runner/errors.hpp>
#include <functional>
#include <sched.h>

#include "util/fs.hpp"

namespace ansible_runner::util {

ParallelFileWriter::ParallelFileWriter(int dir_fd, std::string dir_path, mode_t mode, unsigned threads)
    : m_dir_fd(dir_fd), m_dir_path(std::move(dir_path)), m_mode(mode),
      m_threads(threads ? threads : usable_cores()) {
  if (!m_dir_path.empty() && m_dir_path.back() != '/') {
    m_dir_path += '/';
  }
}

ParallelFileWriter::~ParallelFileWriter() {
  for (auto& lane : m_lanes) {
    {
      std::lock_guard lock(lane->mutex);
      lane->stop = true;
    }
    lane->changed.notify_all();
  }
  for (auto& lane : m_lanes) {
    lane->thread.join();
  }
}

unsigned ParallelFileWriter::usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) != 0) {
    return 1;
  }
  int n = CPU_COUNT(&set);
  return n > 0 ? static_cast<unsigned>(n) : 1;
}

void ParallelFileWriter::start() {
  m_lanes.reserve(m_threads);
  for (unsigned i = 0; i < m_threads; ++i) {
    m_lanes.push_back(std::make_unique<Lane>());
    Lane& lane = *m_lanes.back();
    lane.thread = std::thread([this, &lane] { run_lane(lane); });
  }
}

void ParallelFileWriter::submit(std::string name, std::string content) {
  throw_failure();
  if (m_threads <= 1) { // one core: a thread would only add switches
    try {
      write_one(Job{std::move(name), std::move(content)});
    } catch (const Error& e) {
      std::lock_guard lock(m_failure_mutex);
      m_failure = e.what();
      throw;
    }
    return;
  }
  if (m_lanes.empty()) {
    start();
  }
  Lane& lane = *m_lanes[std::hash<std::string>{}(name) % m_lanes.size()];
  size_t bytes = name.size() + content.size();
  {
    std::unique_lock lock(lane.mutex);
    // An empty queue always takes one job, however large.
    lane.changed.wait(lock, [&] { return lane.queue.empty() || lane.queued_bytes + bytes <= k_max_queued_bytes; });
    lane.queue.push_back(Job{std::move(name), std::move(content)});
    lane.queued_bytes += bytes;
  }
  lane.changed.notify_all();
}

void ParallelFileWriter::drain() {
  for (auto& lane : m_lanes) {
    std::unique_lock lock(lane->mutex);
    lane->changed.wait(lock, [&] { return lane->queue.empty() && !lane->busy; });
  }
  throw_failure();
}

void ParallelFileWriter::run_lane(Lane& lane) {
  std::unique_lock lock(lane.mutex);
  for (;;) {
    lane.changed.wait(lock, [&] { return lane.stop || !lane.queue.empty(); });
    if (lane.queue.empty()) {
      return; // stop, and nothing left to write
    }
    Job job = std::move(lane.queue.front());
    lane.queue.pop_front();
    lane.queued_bytes -= job.name.size() + job.content.size();
    lane.busy = true;
    lock.unlock();
    lane.changed.notify_all(); // room for the submitter
    bool failed_before;
    {
      std::lock_guard failure_lock(m_failure_mutex);
      failed_before = m_failure.has_value();
    }
    if (!failed_before) {
      try {
        write_one(job);
      } catch (const Error& e) {
        std::lock_guard failure_lock(m_failure_mutex);
        if (!m_failure) {
          m_failure = e.what();
        }
      }
    }
    lock.lock();
    lane.busy = false;
    if (lane.queue.empty()) {
      lane.changed.notify_all(); // a drain() may be waiting
    }
  }
}

void ParallelFileWriter::write_one(const Job& job) {
  write_file_no_follow_at(m_dir_fd, job.name.c_str(), m_dir_path + job.name, job.content, m_mode);
}

void ParallelFileWriter::throw_failure() {
  std::lock_guard lock(m_failure_mutex);
  if (m_failure) {
    throw Error(*m_failure);
  }
}

} // namespace ansible_runner::util
