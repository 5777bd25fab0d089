#include "exec/pty_child.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>

namespace ansible_runner::exec {
namespace {

std::string not_found_message(const std::string& name) {
  return "The command was not found or was not executable: " + name + ".";
}

// execve's E2BIG: the reference reports it as "not found"; the real cause is more useful.
std::string too_long_message(const SpawnSpec& spec) {
  size_t longest = 0;
  size_t total = 0;
  for (const auto& text : {std::cref(spec.argv), std::cref(spec.env)}) {
    for (const auto& item : text.get()) {
      longest = std::max(longest, item.size() + 1);
      total += item.size() + 1;
    }
  }
  return "Cannot run " + spec.argv[0] + ": its arguments and environment are too long for the kernel (E2BIG: " +
         std::to_string(total) + " bytes in all, the longest " + std::to_string(longest) +
         " bytes, where Linux takes at most 131072 bytes per string). Large extravars reach Ansible through "
         "env/extravars unless suppress_env_files is set.";
}

} // namespace

PtyChild PtyChild::spawn(const SpawnSpec& spec) {
  if (spec.argv.empty()) {
    throw SpawnError(not_found_message(""));
  }
  util::UniqueFd master(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!master || ::grantpt(master.get()) != 0 || ::unlockpt(master.get()) != 0) {
    throw SpawnError(std::string("cannot open a pseudo-terminal: ") + std::strerror(errno));
  }
  char slave_name[128];
  if (::ptsname_r(master.get(), slave_name, sizeof slave_name) != 0) {
    throw SpawnError(std::string("cannot name the pseudo-terminal: ") + std::strerror(errno));
  }
  winsize size{};
  size.ws_row = spec.rows;
  size.ws_col = spec.cols;
  ::ioctl(master.get(), TIOCSWINSZ, &size);

  ChildSetup setup;
  setup.argv = spec.argv;
  setup.env = spec.env;
  setup.cwd = spec.cwd;
  setup.ignored_signals = {SIGHUP}; // as under the reference
  setup.die_with_runner = true;
  setup.new_session = true; // the job's own group, which kill_group and the guard address
  setup.controlling_tty = slave_name;
  setup.tty_rows = spec.rows;
  setup.tty_cols = spec.cols;
  // Nothing of the job runs before its group guard does: a runner SIGKILLed between the exec
  // and the guard's fork would otherwise leave whatever the job forked meanwhile.
  GroupGuard guard;
  setup.before_release = [&guard](pid_t pid) { guard = GroupGuard::start(pid); };
  SpawnOutcome started = exec::spawn(setup);
  if (started.failure) {
    throw SpawnError(started.failure->err == E2BIG ? too_long_message(spec) : not_found_message(spec.argv[0]));
  }
  pid_t pid = started.pid;

  PtyChild child;
  child.m_master = std::move(master);
  child.m_pid = pid;
  child.m_guard = std::move(guard);
  return child;
}

PtyChild::~PtyChild() {
  if (m_pid > 0 && !m_status) {
    // Never leave a job behind: a PtyChild dropped early (an exception) takes its group along.
    ::kill(-m_pid, SIGKILL);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
  }
  m_guard.release();
}

std::optional<ExitStatus> PtyChild::try_wait() {
  if (!m_status) {
    m_status = reap(m_pid, false);
    if (m_status) {
      m_guard.release();
    }
  }
  return m_status;
}

ExitStatus PtyChild::wait() {
  if (!m_status) {
    m_status = reap(m_pid, true);
    m_guard.release();
  }
  return *m_status;
}

void PtyChild::kill_group(int sig) const {
  if (m_pid > 0 && !m_status) {
    ::kill(-m_pid, sig);
  }
}

} // namespace ansible_runner::exec
