// WorkLanes: see the header for what it promises.
#include "util/work_lanes.hpp"

#include <ansible_runner/errors.hpp>
#include <exception>

#include "util/threads.hpp"

namespace ansible_runner::util {

WorkLanes::WorkLanes(unsigned threads) : m_threads(threads ? threads : usable_cores()) {}

WorkLanes::~WorkLanes() {
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

void WorkLanes::start() {
  m_lanes.reserve(m_threads);
  for (unsigned i = 0; i < m_threads; ++i) {
    m_lanes.push_back(std::make_unique<Lane>());
    Lane& lane = *m_lanes.back();
    lane.thread = start_helper_thread([this, &lane] { run_lane(lane); });
  }
}

void WorkLanes::record_failure(const char* message) {
  std::lock_guard lock(m_failure_mutex);
  if (!m_failure) {
    m_failure = message;
    m_failed.store(true, std::memory_order_release);
  }
}

void WorkLanes::submit(size_t key, size_t bytes, Task task) {
  if (runs_inline()) { // one core: a thread would only add switches
    run_here(key, task);
    return;
  }
  throw_failure();
  if (m_lanes.empty()) {
    start();
  }
  Lane& lane = *m_lanes[key % m_lanes.size()];
  {
    std::unique_lock lock(lane.mutex);
    // An empty queue always takes one task, however large.
    lane.changed.wait(lock, [&] { return lane.queue.empty() || lane.queued_bytes + bytes <= k_max_queued_bytes; });
    lane.queue.emplace_back(std::move(task), bytes);
    lane.queued_bytes += bytes;
  }
  lane.changed.notify_all();
}

void WorkLanes::wait_for_lane(size_t key) {
  if (m_lanes.empty()) {
    return;
  }
  Lane& lane = *m_lanes[key % m_lanes.size()];
  std::unique_lock lock(lane.mutex);
  lane.changed.wait(lock, [&] { return lane.queue.empty() && !lane.busy; });
}

void WorkLanes::drain() {
  for (auto& lane : m_lanes) {
    std::unique_lock lock(lane->mutex);
    lane->changed.wait(lock, [&] { return lane->queue.empty() && !lane->busy; });
  }
  throw_failure();
}

void WorkLanes::run_lane(Lane& lane) {
  std::unique_lock lock(lane.mutex);
  for (;;) {
    lane.changed.wait(lock, [&] { return lane.stop || !lane.queue.empty(); });
    if (lane.queue.empty()) {
      return; // stop, and nothing left to run
    }
    auto [task, bytes] = std::move(lane.queue.front());
    lane.queue.pop_front();
    lane.queued_bytes -= bytes;
    lane.busy = true;
    lock.unlock();
    lane.changed.notify_all(); // room for the submitter
    if (!m_failed.load(std::memory_order_acquire)) {
      try {
        task();
      } catch (const std::exception& e) {
        record_failure(e.what());
      }
    }
    task = nullptr; // its data is freed outside the lock
    lock.lock();
    lane.busy = false;
    if (lane.queue.empty()) {
      lane.changed.notify_all(); // a drain() may be waiting
    }
  }
}

void WorkLanes::throw_failure() {
  if (!m_failed.load(std::memory_order_acquire)) {
    return;
  }
  std::lock_guard lock(m_failure_mutex);
  throw Error(*m_failure);
}

} // namespace ansible_runner::util
