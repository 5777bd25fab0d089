#pragma once
// Bridges between C++ streams and the file descriptors the streaming roles work on: a helper
// thread copies an istream into a socket, or a pipe into an ostream. src/stream/ reads and
// writes fds only; this keeps it that way.
#include <iosfwd>
#include <thread>

#include "util/fd.hpp"

namespace ansible_runner::api {

// fd() reads what `in` holds, then end of input. The copy stops early when `in` fails or
// nobody reads any more (finish() closes the reading side; no SIGPIPE is raised).
class InputBridge {
public:
  explicit InputBridge(std::istream& in);
  ~InputBridge();
  InputBridge(const InputBridge&) = delete;
  InputBridge& operator=(const InputBridge&) = delete;

  int fd() const { return m_read.get(); }
  // Closes fd() and waits for the copying thread. It ends once its current read from `in`
  // returns, so an istream that blocks forever without data holds this call.
  void finish();

private:
  util::UniqueFd m_read;
  std::thread m_thread;
};

// What is written to fd() arrives in `out`. When `out` fails the rest is read and dropped,
// so the writer never blocks on a full pipe.
class OutputBridge {
public:
  explicit OutputBridge(std::ostream& out);
  ~OutputBridge();
  OutputBridge(const OutputBridge&) = delete;
  OutputBridge& operator=(const OutputBridge&) = delete;

  int fd() const { return m_write.get(); }
  // Closes fd() and waits until everything written has been copied (and `out` flushed).
  void finish();

private:
  util::UniqueFd m_write;
  std::thread m_thread;
};

} // namespace ansible_runner::api
