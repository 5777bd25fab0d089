#pragma once
// The configuration of a command-helper job (run_command, get_inventory, ...): the
// reference's BaseConfig and its _prepare_env / _handle_command_wrap, which differ from
// RunnerConfig's prepare() in several ways:
//   * the private data dir is created when missing, or is a new `.ansible-runner-*` temp dir;
//   * the working dir is host_cwd or ours, never the project dir;
//   * no RUNNER_OMIT_EVENTS / ANSIBLE_ROLES_PATH variables, no ad-hoc variables;
//   * an env/settings, env/envvars or env/ssh_key file that cannot be read is ignored;
//   * passwords and pexpect settings only count in pexpect mode; the timeout is the
//     subprocess_timeout setting in subprocess mode;
//   * no inventory, extravars or "dump artifacts";
//   * in a container, the helper mounts (helper_mounts.hpp) and --tty only in pexpect mode or
//     with an input fd.
#include <optional>
#include <string>
#include <vector>

#include <ansible_runner/commands.hpp>

#include "config/job_config.hpp"

namespace ansible_runner::config {

struct CommandJob {
  JobConfig job;
  RunnerMode mode = RunnerMode::subprocess;
  std::optional<double> subprocess_timeout; // subprocess mode: int(timeout) or the setting
};

// What a helper runs.
struct CommandLine {
  std::vector<std::string> argv; // executable first
  bool ansible_command = false;  // an ansible* tool: its file arguments are mounted in a container
};

// Builds the job that runs `command` in `mode`. Creates the private data dir and the artifact
// dir, and for an ssh key the FIFO <artifact_dir>/ssh_key_data (0600). With process isolation
// in podman or docker, the command runs in a container (docs/execution.md 9: the helper mounts, the
// callback plugin copied to <artifact_dir>/callback, env.list written by the runner); with any
// other isolation executable it runs unwrapped, as in the reference.
// Throws ConfigurationError for an unsafe mount and for unreadable input the reference
// rejects too.
CommandJob prepare_command_job(const CommandOptions& options, const CommandLine& command, RunnerMode mode);

} // namespace ansible_runner::config
