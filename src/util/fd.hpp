#pragma once
// RAII for file descriptors, and whole-buffer I/O that handles short writes and EINTR.
#include <optional>
#include <string_view>
#include <utility>

namespace ansible_runner::util {

class UniqueFd {
public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : m_fd(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd(UniqueFd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset(std::exchange(other.m_fd, -1));
    }
    return *this;
  }
  ~UniqueFd() { reset(); }

  int get() const { return m_fd; }
  explicit operator bool() const { return m_fd >= 0; }
  int release() { return std::exchange(m_fd, -1); }
  void reset(int fd = -1);

private:
  int m_fd = -1;
};

// Both ends of a pipe.
struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

// pipe2(O_CLOEXEC): both ends close-on-exec from the start, so no child spawned meanwhile (by
// another thread) inherits them; nullopt (errno set) on failure.
std::optional<Pipe> make_pipe();

// Writes all of `data`; returns false (errno set) on error. Retries on EINTR and EAGAIN
// (polling until writable), so it also works on non-blocking fds.
bool write_all(int fd, std::string_view data);

// read() that retries on EINTR. Returns bytes read, 0 at EOF, -1 on error.
long read_some(int fd, char* buf, unsigned long size);

// True when the reading end of a pipe or socket we write to has gone away (POLLERR/POLLHUP).
bool peer_closed(int fd);

void set_cloexec(int fd);

// Makes sure fds 0, 1 and 2 are open, so that no file we open later takes one of their numbers
// (a worker started with stdout closed would otherwise write its result stream into whatever
// file got fd 1). A closed one gets /dev/null opened the "wrong" way round: stdin write-only,
// stdout and stderr read-only, so a read or write on it still fails (EBADF) as on a closed fd
// and a worker sees that it cannot deliver. Returns false when /dev/null cannot be opened.
bool reserve_standard_fds();
void set_nonblocking(int fd, bool on = true);

} // namespace ansible_runner::util
