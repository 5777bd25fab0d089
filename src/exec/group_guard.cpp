#include "exec/group_guard.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <string>
#include <utility>

namespace ansible_runner::exec {
namespace {

// The guard between fork and exec: async-signal-safe calls only (the runner may have threads).
// It execs a one-line shell script so that `ps` and `pgrep -f` show it as what it is, not as a
// second copy of the runner's command line; without /bin/sh it waits in this process instead.
[[noreturn]] void guard_main(int release_read, pid_t pgid, const char* script) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  // Only the runner's end decides: a Ctrl-C or a SIGTERM to the runner's group must not
  // remove the guard while the runner still cleans up. Ignored signals stay ignored in sh.
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
  fcntl(3, F_SETFD, 0); // the pipe was made close-on-exec
  close_range(4, ~0U, 0);
  execl("/bin/sh", "ansible-runner-job-guard", "-c", script, static_cast<char*>(nullptr));
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
  std::optional<util::Pipe> pipe = util::make_pipe();
  if (!pipe) {
    return guard;
  }
  util::UniqueFd read_end = std::move(pipe->read);
  util::UniqueFd write_end = std::move(pipe->write);
  // A line on fd 3 releases the guard; end of file (the runner is gone) kills the group.
  std::string script = "read -r _ <&3 || kill -KILL -" + std::to_string(pgid);
  pid_t pid = ::fork();
  if (pid < 0) {
    return guard;
  }
  if (pid == 0) {
    guard_main(read_end.get(), pgid, script.c_str());
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
  const char done[] = "done\n";
  (void)!::write(m_release.get(), done, sizeof done - 1);
  m_release.reset();
  int status = 0;
  while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
  }
  m_pid = -1;
}

} // namespace ansible_runner::exec
