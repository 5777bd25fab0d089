// ParallelFileWriter: see the header for what it promises.
#include "util/parallel_file_writer.hpp"

#include <ansible_runner/errors.hpp>
#include <functional>

#include "util/fs.hpp"
#include "util/threads.hpp"

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

void ParallelFileWriter::start() {
  m_lanes.reserve(m_threads);
  for (unsigned i = 0; i < m_threads; ++i) {
    m_lanes.push_back(std::make_unique<Lane>());
    Lane& lane = *m_lanes.back();
    lane.thread = start_helper_thread([this, &lane] { run_lane(lane); });
  }
}

void ParallelFileWriter::write_inline(std::string_view name, std::string_view content) {
  try {
    write_one(name, content, m_inline_path);
  } catch (const Error& e) {
    record_failure(e.what());
    throw;
  }
}

void ParallelFileWriter::submit(std::string_view name, std::string_view content) {
  throw_failure();
  if (m_threads <= 1) { // one core: a thread would only add switches
    write_inline(name, content);
    return;
  }
  if (m_lanes.empty()) {
    start();
  }
  Lane& lane = *m_lanes[std::hash<std::string_view>{}(name) % m_lanes.size()];
  size_t bytes = name.size() + content.size();
  if (bytes > k_max_queued_bytes) {
    // Too large to queue: a copy would double the memory a huge event costs (docs/security.md,
    // memory per line). Written here once the lane has written what came before (name order).
    {
      std::unique_lock lock(lane.mutex);
      lane.changed.wait(lock, [&] { return lane.queue.empty() && !lane.busy; });
    }
    write_inline(name, content);
    return;
  }
  {
    std::unique_lock lock(lane.mutex);
    // An empty queue always takes one job, however large.
    lane.changed.wait(lock, [&] { return lane.queue.empty() || lane.queued_bytes + bytes <= k_max_queued_bytes; });
    lane.queue.push_back(Job{std::string(name), std::string(content)});
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
    if (!m_failed.load(std::memory_order_acquire)) {
      try {
        write_one(job.name, job.content, lane.path);
      } catch (const Error& e) {
        record_failure(e.what());
      }
    }
    lock.lock();
    lane.busy = false;
    if (lane.queue.empty()) {
      lane.changed.notify_all(); // a drain() may be waiting
    }
  }
}

void ParallelFileWriter::write_one(std::string_view name, std::string_view content, std::string& path) {
  path.assign(m_dir_path);
  path += name; // the name ends at path's end: its c_str() is the name's, NUL-terminated
  write_file_no_follow_at(m_dir_fd, path.c_str() + m_dir_path.size(), path, content, m_mode);
}

void ParallelFileWriter::record_failure(const char* message) {
  std::lock_guard lock(m_failure_mutex);
  if (!m_failure) {
    m_failure = message;
    m_failed.store(true, std::memory_order_release);
  }
}

void ParallelFileWriter::throw_failure() {
  if (!m_failed.load(std::memory_order_acquire)) {
    return;
  }
  std::lock_guard lock(m_failure_mutex);
  throw Error(*m_failure);
}

} // namespace ansible_runner::util
