#include "exec/group_guard.hpp"

#include <cerrno>
#include <csignal>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

#include "exec/spawner.hpp"

namespace ansible_runner::exec {

GroupGuard GroupGuard::start(pid_t pgid) {
  GroupGuard guard;
  std::optional<util::Pipe> pipe = util::make_pipe();
  if (!pipe) {
    return guard;
  }
  // A line on fd 3 releases the guard; end of file (the runner is gone) kills the group. A
  // one-line sh script, so that `ps` and `pgrep -f` show the guard as what it is.
  ChildSetup setup;
  setup.program = "/bin/sh";
  setup.argv = {"ansible-runner-job-guard", "-c", "read -r _ <&3 || kill -KILL -" + std::to_string(pgid)};
  // Hold nothing of the runner's: not its stdout (a reader waiting for EOF), not another job's
  // pipe or guard (which would never see its own EOF), not the job's pty.
  setup.stdio = {k_dev_null, k_dev_null, k_dev_null};
  setup.pass_fd = pipe->read.get();
  // Only the runner's end decides: a Ctrl-C or a SIGTERM to the runner's group must not remove
  // the guard while the runner still cleans up. Ignored signals stay ignored in sh.
  setup.ignored_signals = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU};
  try {
    SpawnOutcome started = spawn(setup);
    if (!started.failure) {
      guard.m_release = std::move(pipe->write);
      guard.m_pid = started.pid;
    }
  } catch (const SpawnError&) {
    // no fork: the job runs unguarded, as it would under the reference
  }
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
