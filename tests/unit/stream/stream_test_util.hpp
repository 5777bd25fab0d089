#pragma once
// Helpers for the stream tests: byte buffers as fds, so the readers and writers run on real
// file descriptors as in production.
#include <cstdint>
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

// `size` bytes of playbook-like text (compresses about 3:1), different for each seed.
inline std::string text_of(size_t size, unsigned seed) {
  static const char* words[] = {"hosts", "tasks", "name", "debug", "msg", "loop", "item", "when", "register"};
  std::string out;
  uint32_t x = seed;
  while (out.size() < size) {
    x = x * 1103515245u + 12345u;
    out += words[(x >> 16) % 9];
    out += (x >> 8) % 7 == 0 ? "\n  " : " ";
  }
  out.resize(size);
  return out;
}

} // namespace ansible_runner::test
