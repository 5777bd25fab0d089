#include "stream/stream_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "stream/stream_error.hpp"
#include "util/base64.hpp"
#include "util/fd.hpp"

namespace ansible_runner::stream {
namespace {

constexpr size_t k_buffer_size = 64 * 1024;
// Decoded bytes per write to the payload file: one read buffer's worth decodes into it.
constexpr size_t k_payload_chunk = 64 * 1024;

} // namespace

StreamReader::StreamReader(int fd, size_t max_line_bytes)
    : m_fd(fd), m_max_line(max_line_bytes), m_buf(k_buffer_size) {}

StreamReader::StreamReader(StreamInput input, size_t max_line_bytes)
    : m_fd(input.fd), m_read(std::move(input.read)), m_watch_for_close(input.watch_for_close),
      m_max_line(max_line_bytes), m_buf(std::max(k_buffer_size, input.pending.size())) {
  std::copy(input.pending.begin(), input.pending.end(), m_buf.begin());
  m_end = input.pending.size();
}

void StreamReader::wait_for_input() {
  constexpr int k_close_check_ms = 1000;
  for (;;) {
    int wait = m_wait_hook ? m_wait_hook() : -1;
    if (m_watch_for_close && (wait < 0 || wait > k_close_check_ms)) {
      wait = k_close_check_ms;
    }
    pollfd p{m_fd, POLLIN, 0};
    int ready = ::poll(&p, 1, wait);
    if (ready > 0 && (p.revents & POLLNVAL) == 0) {
      return;
    }
    if (m_watch_for_close &&
        ((ready > 0 && (p.revents & POLLNVAL) != 0) || (ready == 0 && ::fcntl(m_fd, F_GETFD) == -1))) {
      throw StreamError("the input was closed while reading the stream");
    }
    if (ready > 0 || (ready < 0 && errno != EINTR)) {
      return; // the read says what is wrong
    }
    if (ready < 0 && m_interrupted && m_interrupted()) {
      throw StreamError("interrupted while reading the stream");
    }
  }
}

bool StreamReader::fill() {
  if (m_eof) {
    return false;
  }
  m_begin = 0;
  m_end = 0;
  if (m_fd < 0 && m_read) {
    size_t got = m_read(m_buf.data(), m_buf.size());
    m_end = std::min(got, m_buf.size());
    m_eof = got == 0;
    return !m_eof;
  }
  for (;;) {
    if (m_watch_for_close || m_wait_hook) {
      wait_for_input();
    }
    ssize_t n = ::read(m_fd, m_buf.data(), m_buf.size());
    if (n > 0) {
      m_end = static_cast<size_t>(n);
      return true;
    }
    if (n == 0) {
      m_eof = true;
      return false;
    }
    if (errno == EINTR) {
      if (m_interrupted && m_interrupted()) {
        throw StreamError("interrupted while reading the stream");
      }
      continue;
    }
    if (errno == EAGAIN) {
      // A non-blocking stdin (inherited from a parent that set O_NONBLOCK): wait for data.
      if (!m_watch_for_close && !m_wait_hook) {
        pollfd p{m_fd, POLLIN, 0};
        ::poll(&p, 1, -1);
      }
      continue; // otherwise the wait at the top of the loop, with its hook
    }
    throw StreamError(std::string("cannot read the stream: ") + std::strerror(errno));
  }
}

std::optional<std::string> StreamReader::read_line() {
  std::string line;
  bool any = false;
  for (;;) {
    if (m_begin == m_end && !fill()) {
      if (!any) {
        return std::nullopt;
      }
      return line;
    }
    any = true;
    const char* start = m_buf.data() + m_begin;
    const char* stop = m_buf.data() + m_end;
    const char* nl = std::find(start, stop, '\n');
    size_t take = static_cast<size_t>(nl - start);
    if (line.size() + take > m_max_line) {
      throw StreamError("a line at byte " + std::to_string(m_consumed) + " is longer than " +
                        std::to_string(m_max_line) + " bytes (ANSIBLE_RUNNER_MAX_LINE_BYTES raises the limit)");
    }
    line.append(start, take);
    if (nl != stop) {
      m_begin += take + 1;
      m_consumed += take + 1;
      return line;
    }
    m_begin = m_end;
    m_consumed += take;
  }
}

void StreamReader::read_payload(uint64_t n, int out_fd) {
  const uint64_t wanted = util::base64_length(n);
  const uint64_t payload_start = m_consumed;
  uint64_t seen = 0;     // base64 characters taken so far
  uint64_t written = 0;  // decoded bytes written so far
  util::Base64Decoder decoder;
  // Decoded straight from the read buffer into this one; written out when nearly full.
  std::vector<char> decoded(k_payload_chunk);
  size_t pending = 0;

  auto flush = [&] {
    if (pending == 0) {
      return;
    }
    written += pending;
    if (written > n) {
      throw StreamError("the zip payload decodes to more than the announced " + std::to_string(n) +
                        " bytes");
    }
    if (!util::write_all(out_fd, std::string_view(decoded.data(), pending))) {
      throw StreamError(std::string("cannot write the zip payload to a temporary file: ") +
                        std::strerror(errno));
    }
    pending = 0;
  };
  auto invalid = [&] {
    return StreamError("invalid base64 in the zip payload starting at byte " + std::to_string(payload_start));
  };

  while (seen < wanted) {
    if (m_begin == m_end && !fill()) {
      throw StreamError("the stream ended inside a zip payload (" + std::to_string(seen) + " of " +
                        std::to_string(wanted) + " base64 characters)");
    }
    // The decoder takes the run up to the next non-alphabet character; whitespace there is
    // skipped (as the reference's reader does), anything else is an error.
    while (m_begin < m_end && seen < wanted) {
      size_t avail = static_cast<size_t>(std::min<uint64_t>(m_end - m_begin, wanted - seen));
      if (decoded.size() - pending < util::Base64Decoder::max_decoded(avail)) {
        flush();
      }
      size_t produced = 0;
      size_t run = decoder.decode_prefix(std::string_view(m_buf.data() + m_begin, avail), decoded.data() + pending,
                                         produced);
      if (decoder.failed()) {
        throw invalid();
      }
      pending += produced;
      seen += run;
      m_begin += run;
      m_consumed += run;
      if (run < avail) {
        if (!is_payload_whitespace(m_buf[m_begin])) {
          throw invalid();
        }
        ++m_begin;
        ++m_consumed;
      }
    }
  }
  flush();
  if (!decoder.finish() || written != n) {
    throw StreamError("the zip payload decodes to " + std::to_string(written) +
                      " bytes, but its zipfile line announced " + std::to_string(n));
  }
}

} // namespace ansible_runner::stream
