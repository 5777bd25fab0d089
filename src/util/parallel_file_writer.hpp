#pragma once
// Writes many small files into one directory on helper threads (util::WorkLanes): `process`
// creates one per event, and with the writes spread over the machine's cores 100,000 event
// files take half the wall time.
//
// Guarantees the caller relies on (those of WorkLanes, per file name):
// * writes of one name keep their order (a name always goes to the same lane), so a repeated
//   counter/uuid ends with the last event's text, as written in order;
// * drain() returns when every submitted file is written: call it before anything that reads or
//   replaces the directory (unpacking the artifacts, a status, the end);
// * bounded memory: submit() waits while a lane has WorkLanes::k_max_queued_bytes queued;
// * the first failure (a full disk) is thrown from the next submit() or drain(); later writes
//   are dropped.
// With one usable core no thread exists and writes are made inline.
#include <string>
#include <string_view>
#include <sys/types.h>

#include "util/work_lanes.hpp"

namespace ansible_runner::util {

class ParallelFileWriter {
public:
  // `dir_fd` stays owned by the caller and open until this is destroyed; `dir_path` is its path
  // (messages, the symlink case of write_file_no_follow_at). `threads` 0: one per usable core.
  ParallelFileWriter(int dir_fd, std::string dir_path, mode_t mode, unsigned threads = 0);

  // Creates or truncates `name` (a plain file name) in the directory with `content`. Inline
  // (one thread, or content too large to queue) it is written from the views; otherwise they
  // are copied into the queue.
  void submit(std::string_view name, std::string_view content);
  void drain() { m_lanes.drain(); }

private:
  // Throws ansible_runner::Error; `path` is scratch space for the file's whole path.
  void write_one(std::string_view name, std::string_view content, std::string& path) const;

  int m_dir_fd;
  std::string m_dir_path;
  mode_t m_mode;
  std::string m_inline_path; // scratch of write_one on the calling thread
  WorkLanes m_lanes;         // last: its threads stop before the members above go
};

} // namespace ansible_runner::util
