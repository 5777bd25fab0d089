#pragma once
// The podman/docker `run` command around a job (docs/execution.md 9).
#include <optional>
#include <string>
#include <vector>

#include <ansible_runner/json.hpp>

namespace ansible_runner::config {

// docker/podman only accept [A-Za-z0-9_-] in names: ansible_runner_<ident, others as '_'>.
std::string container_name_for(const std::string& ident);

// What the command helpers (run_command, get_inventory, ...) add to the container command:
// the reference's execution modes other than "run" (docs/execution.md 9, last bullets).
struct HelperContainer {
  bool ansible_command = false;          // executable named ansible*: mount its file arguments
  std::vector<std::string> cmdline_args; // the arguments after the executable
};

struct ContainerSpec {
  std::string executable; // "podman" or "docker"
  std::string private_data_dir;
  std::string artifact_dir;
  std::string ident;
  std::string container_name;
  std::string image;
  std::optional<std::string> container_workdir;
  std::optional<std::string> host_cwd; // absolute
  std::vector<std::string> volume_mounts; // src:dst[:labels]
  std::vector<std::string> options;
  std::optional<Json> auth_data;          // {host, username, password, verify_ssl}
  bool tty = true;                        // --tty: run() always; helpers in pexpect mode or with input_fd
  std::optional<HelperContainer> helper;  // set for the command helpers
};

struct Container {
  std::vector<std::string> command;
  std::string workdir;                        // the job's cwd inside the container
  std::optional<std::string> registry_auth_dir; // temp dir to remove after the run
  std::optional<std::string> registries_conf;   // set: export it as CONTAINERS_REGISTRIES_CONF
};

// Builds `<exe> run --rm --tty --interactive --workdir W -v <pdd>/:/runner/:Z ... <image> <cmd>`.
// With `helper`, the helper mounts (helper_mounts.hpp) follow --workdir.
// Creates <pdd>/artifacts if missing and the registry auth dir. Throws ConfigurationError for
// a mount of '/', '/home' or '/usr' and for a malformed volume mount.
Container wrap_for_container(const ContainerSpec& spec, const std::vector<std::string>& command);

} // namespace ansible_runner::config
