#pragma once
// Helpers for the stream tests: byte buffers as fds, so the readers and writers run on real
// file descriptors as in production.
#include <string>

#include "stream/temp_file.hpp"
#include "util/fd.hpp"

namespace ansible_runner::test {

// An unlinked file holding `content`, positioned at its start.
inline util::UniqueFd fd_with(const std::string& content) {
  util::UniqueFd fd = stream::make_anonymous_temp_file();
  util::write_all(fd.get(), content);
  stream::rewind_fd(fd.get());
  return fd;
}

// Everything in fd from its start.
inline std::string read_all(int fd) {
  stream::rewind_fd(fd);
  std::string out;
  char buf[65536];
  for (;;) {
    long n = util::read_some(fd, buf, sizeof buf);
    if (n <= 0) {
      return out;
    }
    out.append(buf, static_cast<size_t>(n));
  }
}

} // namespace ansible_runner::test
