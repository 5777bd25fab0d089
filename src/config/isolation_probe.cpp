#include "config/isolation_probe.hpp"

#include "exec/exit_status.hpp"
#include "exec/spawner.hpp"

namespace ansible_runner::config {

std::string isolation_executable_missing_message(const std::string& executable) {
  return "Unable to find process isolation executable: " + executable;
}

bool isolation_executable_available(const std::string& executable) {
  exec::ChildSetup setup;
  setup.argv = {executable, "--version"};
  setup.stdio = {exec::k_dev_null, exec::k_dev_null, exec::k_dev_null};
  try {
    exec::SpawnOutcome started = exec::spawn(setup);
    if (started.failure) {
      return false;
    }
    std::optional<exec::ExitStatus> status = exec::reap(started.pid, true);
    return status && status->exit_code == 0;
  } catch (const exec::SpawnError&) {
    return false;
  }
}

} // namespace ansible_runner::config
