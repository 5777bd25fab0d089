#pragma once
// Tasks on helper threads, one queue ("lane") per thread, for work that is mostly the kernel's
// (creating many small files: about 9 us each on tmpfs, bench/FINDINGS.md section 6): spread
// over the machine's cores it takes about half the wall time. The tasks never call back into
// the caller (nor into Python). Used by ParallelFileWriter (`process`'s event files) and the
// zip extractor (the small files of an archive).
//
// Guarantees the callers rely on:
// * the tasks of one key run in the order submitted (a key always goes to the same lane);
// * drain() returns when every submitted task has run;
// * bounded memory: submit() waits while the lane has k_max_queued_bytes queued;
// * the first failure (a task's ansible_runner::Error, e.g. a full disk) is thrown from the next
//   submit(), run_here() or drain(); later tasks are dropped.
// With one thread (one usable core) no thread is started and submit() runs the task itself.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ansible_runner::util {

class WorkLanes {
public:
  using Task = std::move_only_function<void()>;
  static constexpr size_t k_max_queued_bytes = 256 << 10;

  // `threads` 0: one per usable core.
  explicit WorkLanes(unsigned threads = 0);
  ~WorkLanes(); // waits for the queued tasks; a failure there is dropped (drain first)
  WorkLanes(const WorkLanes&) = delete;
  WorkLanes& operator=(const WorkLanes&) = delete;

  // True when submit() runs every task on the calling thread.
  bool runs_inline() const { return m_threads <= 1; }

  // Queues `task` (holding `bytes` of data) on the lane of `key`; inline, runs it here.
  void submit(size_t key, size_t bytes, Task task);
  // Runs `fn` on the calling thread once the lane of `key` has run what came before, with the
  // same failure rules: for work too large to copy into a queue (a copy would double the
  // memory a huge event costs, docs/security.md), or all work when inline.
  template <typename Fn> void run_here(size_t key, Fn&& fn) {
    throw_failure();
    wait_for_lane(key);
    try {
      fn();
    } catch (const std::exception& e) {
      record_failure(e.what());
      throw;
    }
  }
  void drain();

private:
  struct Lane { // one thread and its queue
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<std::pair<Task, size_t>> queue; // task, bytes
    size_t queued_bytes = 0;
    bool busy = false; // running a task taken off the queue
    bool stop = false;
    std::thread thread;
  };

  void start();
  void run_lane(Lane& lane);
  void wait_for_lane(size_t key);
  void record_failure(const char* message);
  void throw_failure();

  unsigned m_threads;
  std::vector<std::unique_ptr<Lane>> m_lanes; // empty until the first queued task
  std::atomic<bool> m_failed{false};          // m_failure is set: checked once per task
  std::mutex m_failure_mutex;
  std::optional<std::string> m_failure;       // the first failure's message
};

} // namespace ansible_runner::util
