#include "api/stream_bridge.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <istream>
#include <ostream>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include <ansible_runner/errors.hpp>

namespace ansible_runner::api {

namespace {

constexpr size_t k_chunk = 1u << 16;

// send() instead of write(): MSG_NOSIGNAL turns a closed reader into EPIPE, not SIGPIPE.
bool send_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

void copy_stream_to_socket(std::istream& in, util::UniqueFd socket) {
  std::vector<char> buf(k_chunk);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    auto n = static_cast<size_t>(in.gcount());
    if (n == 0 || !send_all(socket.get(), buf.data(), n)) {
      break;
    }
  }
}

void copy_fd_to_stream(util::UniqueFd pipe, std::ostream& out) {
  std::vector<char> buf(k_chunk);
  bool sink_ok = true; // once `out` fails, keep reading so that the writer never blocks
  for (;;) {
    long n = util::read_some(pipe.get(), buf.data(), buf.size());
    if (n <= 0) {
      break;
    }
    if (sink_ok) {
      try {
        sink_ok = static_cast<bool>(out.write(buf.data(), n));
      } catch (...) {
        sink_ok = false;
      }
    }
  }
  if (sink_ok) {
    try {
      out.flush();
    } catch (...) {
      // the caller sees out's state
    }
  }
}

} // namespace

InputBridge::InputBridge(std::istream& in) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    throw Error(std::string("cannot create a socket pair: ") + std::strerror(errno));
  }
  m_read.reset(fds[0]);
  util::UniqueFd write_end(fds[1]);
  ::shutdown(m_read.get(), SHUT_WR);
  m_thread = std::thread([&in, w = std::move(write_end)]() mutable {
    try {
      copy_stream_to_socket(in, std::move(w));
    } catch (...) {
      // A throwing streambuf reads as end of input.
    }
  });
}

InputBridge::~InputBridge() { finish(); }

void InputBridge::finish() {
  m_read.reset();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

OutputBridge::OutputBridge(std::ostream& out) {
  std::optional<util::Pipe> pipe = util::make_pipe();
  if (!pipe) {
    throw Error(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  util::UniqueFd read_end = std::move(pipe->read);
  m_write = std::move(pipe->write);
  m_thread = std::thread([&out, r = std::move(read_end)]() mutable {
    copy_fd_to_stream(std::move(r), out);
  });
}

OutputBridge::~OutputBridge() { finish(); }

void OutputBridge::finish() {
  m_write.reset();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

} // namespace ansible_runner::api
