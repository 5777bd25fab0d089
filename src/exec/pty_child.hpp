#pragma once
// A child process on a new pseudo-terminal, as the reference spawns Ansible (docs/execution.md 4.1):
// 24x80, echo off, session leader with the pty as controlling terminal (so it has its own
// process group), SIGHUP ignored, stdin/stdout/stderr all on the pty. The child dies with the
// runner (PR_SET_PDEATHSIG) and so does its whole group (GroupGuard).
#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

#include "exec/exit_status.hpp"
#include "exec/group_guard.hpp"
#include "exec/spawner.hpp"
#include "util/fd.hpp"

namespace ansible_runner::exec {

struct SpawnSpec {
  std::vector<std::string> argv;
  std::vector<std::string> env; // KEY=VALUE
  std::string cwd;
  unsigned short rows = 24;
  unsigned short cols = 80;
};

class PtyChild {
public:
  // Starts the child. Throws SpawnError when the executable cannot be found or run; the
  // message is the reference's "The command was not found or was not executable: X.".
  static PtyChild spawn(const SpawnSpec& spec);

  PtyChild(PtyChild&& other) noexcept
      : m_master(std::move(other.m_master)), m_pid(std::exchange(other.m_pid, -1)), m_status(other.m_status),
        m_guard(std::move(other.m_guard)) {}
  PtyChild& operator=(PtyChild&&) = delete;
  ~PtyChild();

  int master_fd() const { return m_master.get(); }
  pid_t pid() const { return m_pid; }

  // Non-blocking reap; the status once the child has exited.
  std::optional<ExitStatus> try_wait();
  // Blocking reap.
  ExitStatus wait();
  // Sends `sig` to the child's whole process group (it is a session leader).
  void kill_group(int sig) const;
  bool exited() const { return m_status.has_value(); }

private:
  PtyChild() = default;
  util::UniqueFd m_master;
  pid_t m_pid = -1;
  std::optional<ExitStatus> m_status;
  GroupGuard m_guard; // kills the group if the runner dies first; released once reaped
};

} // namespace ansible_runner::exec
