#include "exec/exit_status.hpp"

#include <cerrno>
#include <sys/wait.h>

namespace ansible_runner::exec {

std::optional<ExitStatus> reap(pid_t pid, bool block) {
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, block ? 0 : WNOHANG);
    if (r == pid) {
      ExitStatus out;
      if (WIFEXITED(status)) {
        out.exit_code = WEXITSTATUS(status);
      } else if (WIFSIGNALED(status)) {
        out.signal = WTERMSIG(status);
      }
      return out;
    }
    if (r < 0 && errno == EINTR) {
      continue;
    }
    if (r < 0 && block) {
      return ExitStatus{};
    }
    return std::nullopt;
  }
}

} // namespace ansible_runner::exec
