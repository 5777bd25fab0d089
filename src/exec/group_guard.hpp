#pragma once
// Kills a job's whole process group when the runner dies without ending it (SIGKILL from
// Receptor, the OOM killer). PR_SET_PDEATHSIG only reaches ansible-playbook itself: a task
// already running in one of Ansible's forked workers would run on to its end.
//
// A small process (`ansible-runner-job-guard`, a one-line sh script) blocks reading a pipe
// whose only writer is the runner. release() writes a line: the guard exits and leaves the
// group alone. Any other end of the runner closes the pipe: the guard sees end of file and
// sends SIGKILL to the group.
#include <sys/types.h>

#include "util/fd.hpp"

namespace ansible_runner::exec {

class GroupGuard {
public:
  GroupGuard() = default;
  // Starts a guard for process group `pgid`. When the guard cannot be started (no fork), the
  // job runs unguarded, as it would under the reference: a diagnostic, not a failure.
  static GroupGuard start(pid_t pgid);

  GroupGuard(GroupGuard&& other) noexcept;
  GroupGuard& operator=(GroupGuard&& other) noexcept;
  GroupGuard(const GroupGuard&) = delete;
  GroupGuard& operator=(const GroupGuard&) = delete;
  ~GroupGuard() { release(); }

  // The job ended normally: stop guarding and reap the guard.
  void release();
  bool active() const { return m_pid > 0; }
  pid_t pid() const { return m_pid; }

private:
  util::UniqueFd m_release; // the pipe's write end, held by the runner only (close-on-exec)
  pid_t m_pid = -1;
};

} // namespace ansible_runner::exec
