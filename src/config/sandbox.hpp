#pragma once
// The bwrap sandbox around a command (docs/execution.md 8): process isolation with any executable
// other than podman/docker.
#include <optional>
#include <string>
#include <vector>

namespace ansible_runner::config {

struct SandboxSpec {
  std::string executable;                  // usually "bwrap"
  std::optional<std::string> isolation_path; // parent of the sandbox temp dir; unset: system temp dir
  std::string private_data_dir;            // always bound read-write
  std::vector<std::string> hide_paths;     // masked by empty temp dirs/files
  std::vector<std::string> ro_paths;       // bound read-only
  std::vector<std::string> show_paths;     // bound read-write
  std::optional<std::string> chdir;        // the sandbox's working dir (realpath'd here)
  // Our callback plugin dir: bound read-only unless one of the sandbox's binds already shows
  // it (the reference's plugin lives under /usr; ours may be in a build tree or /srv).
  std::optional<std::string> plugin_dir;
};

struct Sandbox {
  std::vector<std::string> command;
  std::string temp_dir; // ansible_runner_pi_*, to remove after the run
};

// Creates the sandbox temp dir and the hide-path stand-ins, and returns the wrapped command.
// Like upstream main (not 2.3.1) it also links /lib to usr/lib, without which bwrap cannot
// exec anything on merged-/usr systems such as Debian, and, right after that, binds the
// callback plugin dir read-only when it is outside /bin, /etc, /usr, /opt and the pdd.
Sandbox wrap_for_sandbox(const SandboxSpec& spec, const std::vector<std::string>& command);

} // namespace ansible_runner::config
