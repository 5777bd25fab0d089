#pragma once
// RunOptions mirrors the keyword arguments of the reference's run() (docs/python-api.md section 1).
// Unset optionals mean "not given"; defaults are the reference's.
#include <optional>
#include <string>
#include <vector>

#include <ansible_runner/json.hpp>

namespace ansible_runner {

struct RunOptions {
  // Where the job lives. Must exist (the CLI creates it).
  std::string private_data_dir;
  // Run id; a fresh dashed UUID4 when unset.
  std::optional<std::string> ident;

  // What to run: a playbook (path relative to the project dir, or plays as JSON), an ad-hoc
  // module, or a role through a generated playbook.
  std::optional<Json> playbook;
  std::optional<std::string> module;
  std::optional<std::string> module_args;
  std::optional<std::string> host_pattern;
  std::optional<std::string> role;
  std::optional<Json> role_vars;     // mapping
  std::optional<Json> roles_path;    // string or list of strings
  std::optional<std::string> hosts;  // play hosts in role mode (default "all")
  bool role_skip_facts = false;
  std::optional<std::string> binary; // raw mode: replaces ansible/ansible-playbook

  // Ansible inputs.
  std::optional<Json> inventory;     // path string, INI text, mapping, or list of sources
  std::optional<Json> envvars;       // mapping
  std::optional<Json> extravars;     // mapping, or a path string
  std::optional<Json> passwords;     // mapping regex -> answer
  std::optional<Json> settings;      // mapping (env/settings keys)
  std::optional<std::string> ssh_key;
  std::optional<std::string> cmdline;
  std::optional<std::string> limit;
  std::optional<std::string> forks;  // the CLI keeps it as a string
  std::optional<int> verbosity;
  std::optional<std::string> tags;
  std::optional<std::string> skip_tags;

  // Output and artifacts.
  bool json_mode = false;
  bool quiet = false;
  std::optional<std::string> artifact_dir;
  std::optional<std::string> project_dir;
  int rotate_artifacts = 0;
  std::optional<double> timeout;
  bool suppress_env_files = false;
  bool suppress_output_file = false;
  bool suppress_ansible_output = false;
  std::string fact_cache_type = "jsonfile";
  std::string fact_cache = "fact_cache";
  bool omit_event_data = false;
  bool only_failed_event_data = false;
  bool check_job_event_data = false;
  std::optional<std::string> host_cwd;

  // Isolation and containers.
  bool process_isolation = false;
  std::optional<std::string> process_isolation_executable;
  std::optional<std::string> process_isolation_path;
  std::optional<std::vector<std::string>> process_isolation_hide_paths;
  std::optional<std::vector<std::string>> process_isolation_show_paths;
  std::optional<std::vector<std::string>> process_isolation_ro_paths;
  std::optional<std::string> directory_isolation_base_path;
  std::optional<std::string> container_image;
  std::optional<std::vector<std::string>> container_volume_mounts;
  std::optional<std::vector<std::string>> container_options;
  std::optional<std::string> container_workdir;
  std::optional<Json> container_auth_data;
};

} // namespace ansible_runner
