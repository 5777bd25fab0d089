#pragma once
// Reading side of the framing (docs/streaming-protocol.md 1): JSON lines, and the base64 payload
// that follows a `{"zipfile": N}` line with no separator before the next line.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <ansible_runner/streaming.hpp>

namespace ansible_runner::stream {

class StreamReader {
public:
  // Lines longer than this are refused instead of growing memory without bound. Event lines
  // are the largest (the reference caps an event's `res` near 700,000 characters).
  static constexpr size_t k_default_max_line = LineLimits{}.max_line_bytes;

  explicit StreamReader(int fd, size_t max_line_bytes = k_default_max_line);
  // Pending bytes first, then the fd or the read function (see StreamInput).
  explicit StreamReader(StreamInput input, size_t max_line_bytes = k_default_max_line);

  // Consulted when a read is interrupted by a signal: returning true makes the read throw
  // StreamError instead of waiting on, so SIGTERM stops a worker whose input never ends.
  void set_interrupt_check(std::function<bool()> check) { m_interrupted = std::move(check); }

  // Called before the reader waits for input on its fd and whenever a wait ends without any;
  // returns the longest the next wait may last, in milliseconds (-1: no limit). The worker's
  // keepalives are written from here while it waits for the job stream. (A read function, the
  // other kind of input, blocks where the reader cannot see: its waits call no hook.)
  void set_wait_hook(std::function<int()> hook) { m_wait_hook = std::move(hook); }

  // The next line without its '\n'; nullopt at end of input. A last line without '\n' is
  // returned as is (Python's readline() does the same, so `{"eof": true}` without a newline is
  // still read). Throws StreamError on a read error or a line over the limit.
  std::optional<std::string> read_line();

  // Reads the payload of a `{"zipfile": n}` message: 4*ceil(n/3) base64 characters, skipping
  // whitespace between them as the reference does, and writes the n decoded bytes to out_fd.
  // Whitespace after the last character is not consumed. Throws StreamError on end of input,
  // a character outside the alphabet, misplaced padding or a length that is not n.
  void read_payload(uint64_t n, int out_fd);

  // The longest line read_line() returns.
  size_t max_line() const { return m_max_line; }

  // Bytes consumed so far, for error messages.
  uint64_t offset() const { return m_consumed; }

  // True when the next read_line() can return without reading input (a whole line, or the
  // last bytes of the input, is buffered).
  bool line_ready() const {
    return m_eof || std::memchr(m_buf.data() + m_begin, '\n', m_end - m_begin) != nullptr;
  }

private:
  // Reads more input into the buffer; false at end of input.
  bool fill();
  // Waits until m_fd is readable, calling the wait hook; throws StreamError once it has been
  // closed under us (when watched) or a signal asked to stop.
  void wait_for_input();

  int m_fd;
  std::function<size_t(char*, size_t)> m_read;
  bool m_watch_for_close = false;
  std::function<bool()> m_interrupted;
  std::function<int()> m_wait_hook;
  size_t m_max_line;
  std::vector<char> m_buf;
  size_t m_begin = 0;
  size_t m_end = 0;
  bool m_eof = false;
  uint64_t m_consumed = 0;
};

// The whitespace Python's bytes.split() removes inside a payload.
constexpr bool is_payload_whitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

} // namespace ansible_runner::stream
