#pragma once
// Writes many small files into one directory on helper threads. Creating a file is the kernel's
// work (about 9 us on tmpfs, bench/FINDINGS.md section 6) and `process` creates one per event:
// with the writes spread over the machine's cores, 100,000 event files take half the wall time.
// The threads only make files; they never call back into the caller (nor into Python).
//
// Guarantees the caller relies on:
// * writes of one name keep their order (a name always goes to the same thread), so a repeated
//   counter/uuid ends with the last event's text, as written in order;
// * drain() returns when every submitted file is written: call it before anything that reads or
//   replaces the directory (unpacking the artifacts, a status, the end);
// * bounded memory: submit() waits while a thread has k_max_queued_bytes queued;
// * the first failure (a full disk) is thrown from the next submit() or drain(); later writes
//   are dropped.
// With one usable core, or before the first submit, no thread exists and writes are made inline.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace ansible_runner::util {

class ParallelFileWriter {
public:
  static constexpr size_t k_max_queued_bytes = 256 << 10;

  // `dir_fd` stays owned by the caller and open until this is destroyed; `dir_path` is its path
  // (messages, the symlink case of write_file_no_follow_at). `threads` 0: one per usable core.
  ParallelFileWriter(int dir_fd, std::string dir_path, mode_t mode, unsigned threads = 0);
  ~ParallelFileWriter(); // waits for the queued writes; a failure there is dropped (drain first)
  ParallelFileWriter(const ParallelFileWriter&) = delete;
  ParallelFileWriter& operator=(const ParallelFileWriter&) = delete;

  // Creates or truncates `name` (a plain file name) in the directory with `content`. Inline
  // (one thread) it is written from the views; otherwise they are copied into the queue.
  void submit(std::string_view name, std::string_view content);
  void drain();

private:
  struct Job {
    std::string name;
    std::string content;
  };
  struct Lane { // one thread and its queue
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<Job> queue;
    size_t queued_bytes = 0;
    bool busy = false; // writing a job taken off the queue
    bool stop = false;
    std::string path; // scratch for the path of the file being written (this thread's)
    std::thread thread;
  };

  void start();
  void run_lane(Lane& lane);
  // Throws ansible_runner::Error; `path` is scratch space for the file's whole path.
  void write_one(std::string_view name, std::string_view content, std::string& path);
  // write_one on the calling thread (m_inline_path), recording a failure for later calls.
  void write_inline(std::string_view name, std::string_view content);
  void record_failure(const char* message);
  void throw_failure();

  int m_dir_fd;
  std::string m_dir_path;
  mode_t m_mode;
  unsigned m_threads;
  std::vector<std::unique_ptr<Lane>> m_lanes; // empty until the first submit (or inline)
  std::string m_inline_path;                  // scratch of write_one when inline
  std::atomic<bool> m_failed{false};          // m_failure is set: checked once per file
  std::mutex m_failure_mutex;
  std::optional<std::string> m_failure;       // the first failure's message
};

} // namespace ansible_runner::util
