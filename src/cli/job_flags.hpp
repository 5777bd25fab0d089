#pragma once
// The option groups shared by run, start, stop, is-alive and transmit (docs/cli.md 1), declared in
// the reference's order (argparse prints usage in declaration order), and their conversion
// into RunOptions (run/start) or the transmitted kwargs object.
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <ansible_runner/json.hpp>
#include <ansible_runner/options.hpp>

namespace ansible_runner::cli {

// A string flag: set when given, else the environment default (e.g. RUNNER_PLAYBOOK), else unset.
struct StringFlag {
  StringFlag() = default;
  explicit StringFlag(const char* env) : env_default(env) {}
  std::string value;
  CLI::Option* option = nullptr;
  const char* env_default = nullptr;
  std::optional<std::string> get() const;
};

struct ListFlag {
  std::vector<std::string> values;
  CLI::Option* option = nullptr;
  std::optional<std::vector<std::string>> get() const;
};

struct JobFlags {
  std::string private_data_dir;
  bool debug = false;
  std::string logfile;
  // Runner group.
  StringFlag binary{"RUNNER_BINARY"};
  StringFlag ident;
  int rotate_artifacts = 0;
  StringFlag artifact_dir, project_dir, inventory;
  bool json = false, omit_event_data = false, only_failed_event_data = false, suppress_env_files = false;
  bool quiet = false;
  int verbosity = 0;
  // Selector group (mutually exclusive).
  StringFlag playbook{"RUNNER_PLAYBOOK"};
  StringFlag module{"RUNNER_MODULE"};
  StringFlag role{"RUNNER_ROLE"};
  // Ansible, roles, module groups.
  StringFlag limit, cmdline, hosts, forks;
  StringFlag roles_path{"ANSIBLE_ROLES_PATH"};
  StringFlag role_vars;
  bool role_skip_facts = false;
  StringFlag module_args;
  // Container group.
  std::string container_image = "quay.io/ansible/ansible-runner:devel";
  ListFlag container_volume_mounts, container_options;
  // Isolation group (run and start only).
  bool has_isolation_group = false;
  bool process_isolation = false;
  std::string process_isolation_executable = "podman";
  std::string process_isolation_path = "/tmp";
  ListFlag hide_paths, show_paths, ro_paths;
  StringFlag directory_isolation_base_path;
};

// The top level's copy of the runner group (only -q survives, for `ansible-runner -q process`).
void add_runner_group(CLI::App& app, JobFlags& flags);

// Declares the positional, the generic flags and all groups on a subcommand.
void add_job_flags(CLI::App& sub, JobFlags& flags, bool with_isolation_group);

// The reference's checks for run/start/transmit, printed on stderr with exit 1:
// "The --hosts option can only be used with -m or -r", "The -p option must be specified when
// not using -m or -r", and (upstream main) "Value for --inventory does not appear to be a
// valid path." Returns the message, or nullopt when the flags are fine.
std::optional<std::string> validate_job_flags(const JobFlags& flags);

// --inventory as upstream main resolves it: an existing path as given (made absolute) or a
// name under <pdd>/inventory/. 2.3.1 would write an unknown value as INI text into
// <pdd>/inventory/hosts, replacing the real inventory.
std::optional<std::string> resolve_inventory_flag(const JobFlags& flags);

// The generated role playbook of CLI role mode (written into the project dir, removed after
// the job, as the reference does) and what to remove afterwards.
struct RolePlaybook {
  std::string path;    // absolute
  std::string cleanup; // the file, or the project dir when it was created for it
};
RolePlaybook write_role_playbook(const JobFlags& flags);
void remove_role_playbook(const RolePlaybook& playbook);

// RunOptions for run/start. `default_ident` is the UUID made at startup (dashed form).
RunOptions run_options_from_flags(const JobFlags& flags, const std::string& default_ident,
                                  const std::optional<RolePlaybook>& role_playbook);

// The 30-key kwargs object transmit sends, in the reference's order (docs/streaming-protocol.md
// 2.1). `default_ident` is the startup UUID as 32 hex digits.
Json transmit_kwargs_from_flags(const JobFlags& flags, const std::string& default_ident,
                                const std::optional<RolePlaybook>& role_playbook);

} // namespace ansible_runner::cli
