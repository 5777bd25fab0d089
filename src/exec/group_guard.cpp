#include "exec/group_guard.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

namespace ansible_runner::exec {
namespace {

// The guard between fork and _exit: async-signal-safe calls only (the runner may have threads).
[[noreturn]] void guard_main(int release_read, pid_t pgid) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  // Only the runner's end decides: a Ctrl-C or a SIGTERM to the runner's group must not
  // remove the guard while the runner still cleans up.
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU}) {
    signal(sig, SIG_IGN);
  }
  // Hold nothing of the runner's: not its stdout (a reader waiting for EOF), not another
  // job's pipe or guard (which would never see its own EOF), not the job's pty.
  int null_fd = open("/dev/null", O_RDWR);
  if (null_fd >= 0) {
    dup2(null_fd, 0);
    dup2(null_fd, 1);
    dup2(null_fd, 2);
  }
  if (release_read != 3) {
    dup2(release_read, 3);
  }
  close_range(4, ~0U, 0);
  char byte = 0;
  for (;;) {
    ssize_t n = read(3, &byte, 1);
    if (n > 0) {
      _exit(0); // released: the job ended and was reaped by the runner
    }
    if (n == 0 || errno != EINTR) {
      break; // the runner is gone
    }
  }
  kill(-pgid, SIGKILL);
  _exit(0);
}

} // namespace

GroupGuard GroupGuard::start(pid_t pgid) {
  GroupGuard guard;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return guard;
  }
  util::UniqueFd read_end(fds[0]);
  util::UniqueFd write_end(fds[1]);
  pid_t pid = ::fork();
  if (pid < 0) {
    return guard;
  }
  if (pid == 0) {
    guard_main(read_end.get(), pgid);
  }
  guard.m_release = std::move(write_end);
  guard.m_pid = pid;
  return guard;
}

GroupGuard::GroupGuard(GroupGuard&& other) noexcept
    : m_release(std::move(other.m_release)), m_pid(std::exchange(other.m_pid, -1)) {}

GroupGuard& GroupGuard::operator=(GroupGuard&& other) noexcept {
  if (this != &other) {
    release();
    m_release = std::move(other.m_release);
    m_pid = std::exchange(other.m_pid, -1);
  }
  return *this;
}

void GroupGuard::release() {
  if (m_pid <= 0) {
    return;
  }
  char done = 'd';
  (void)!::write(m_release.get(), &done, 1);
  m_release.reset();
  int status = 0;
  while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
  }
  m_pid = -1;
}

} // namespace ansible_runner::exec
