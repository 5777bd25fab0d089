#include "config/ssh_agent.hpp"

#include "util/shlex.hpp"

namespace ansible_runner::config {

std::vector<std::string> wrap_with_ssh_agent(const std::vector<std::string>& command, const std::string& key_path) {
  // The trap removes the FIFO even when ssh-add fails, so a later reader never hangs on it.
  std::string cleanup = "rm -f " + key_path;
  std::string script = util::shlex_join({"trap", cleanup, "EXIT"}) + " && " + util::shlex_join({"ssh-add", key_path}) + " && " +
                       cleanup + " && " + util::shlex_join(command);
  return {"ssh-agent", "sh", "-c", script};
}

} // namespace ansible_runner::config
