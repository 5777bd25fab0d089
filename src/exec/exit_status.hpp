#pragma once
// How a child ended, and reaping it. Shared by the pty and the pipe child.
#include <optional>
#include <sys/types.h>

namespace ansible_runner::exec {

// An exit code, or the signal that killed it. Kept apart until the edge maps them to an rc.
struct ExitStatus {
  std::optional<int> exit_code;
  std::optional<int> signal;
};

// Reaps `pid`. Non-blocking: nullopt while it still runs. Blocking: waits (retrying on EINTR);
// an empty ExitStatus if it cannot be waited for.
std::optional<ExitStatus> reap(pid_t pid, bool block);

} // namespace ansible_runner::exec
