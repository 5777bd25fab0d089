#pragma once
// The reference's command helpers (docs/python-api.md section 2, docs/execution.md 1.3 and 4.2):
// run_command and the ansible-doc / ansible-inventory / ansible-config wrappers. Each runs
// one command as a job with the usual artifacts (command, stdout, stderr, job_events/,
// status, rc) and returns what the reference returns, read back from the stdout and stderr
// artifact files.
//
// A non-zero exit is not an exception: check `rc`. Invalid requests throw ConfigurationError
// with the reference's messages before anything runs.
#include <optional>
#include <string>
#include <vector>

#include <ansible_runner/json.hpp>
#include <ansible_runner/run_handle.hpp>
#include <ansible_runner/runner.hpp>

namespace ansible_runner {

// How the command is run.
//   subprocess: plain pipes, no terminal; stdout and stderr are captured separately and turned
//               into events after the process has ended (no live events).
//   pexpect:    on a pseudo-terminal like run(): live events, password prompts answered,
//               stderr merged into stdout (the stderr artifact stays empty).
enum class RunnerMode { subprocess, pexpect };

// The keyword arguments all helpers share (the reference's BaseConfig). Defaults are the
// reference's. Unlike run(), nothing is "dumped" into the private data dir.
struct CommandOptions {
  // Unset: the helpers' default (subprocess), and for run_command subprocess when input_fd is
  // given or the executable is ansible-config, ansible-doc or ansible-galaxy, else pexpect.
  std::optional<RunnerMode> runner_mode;
  // Created when missing. Unset: a new `.ansible-runner-XXXXXX` dir in the system temp dir,
  // which is kept (the reference leaks it too; the artifacts live there).
  std::optional<std::string> private_data_dir;
  std::optional<std::string> host_cwd;      // the command's working dir (default: ours)
  std::optional<Json> envvars;              // mapping; env/envvars wins
  std::optional<Json> passwords;            // mapping regex -> answer (pexpect mode only)
  std::optional<Json> settings;             // mapping; env/settings wins
  std::optional<std::string> project_dir;
  std::optional<std::string> artifact_dir;  // artifact root; <root>/<ident> is the job's
  std::string fact_cache_type = "jsonfile";
  std::optional<std::string> fact_cache;    // sub-dir name (default fact_cache)
  std::optional<std::string> ident;         // default: a UUID4
  int rotate_artifacts = 0;
  std::optional<double> timeout;            // seconds; else the subprocess_timeout (subprocess)
                                            // or job_timeout (pexpect) setting
  std::optional<std::string> ssh_key;       // key material: the command runs under ssh-agent
  bool quiet = false;                       // do not echo the output to our stdout
  bool json_mode = false;
  bool check_job_event_data = false;
  bool suppress_env_files = false;          // accepted; nothing is dumped anyway

  // Process isolation. With podman or docker (the default executable is podman) the command
  // runs in a container of container_image (default quay.io/ansible/ansible-runner:devel),
  // with the private data dir, the artifacts, ~/.ssh, SSH_AUTH_SOCK and, for Ansible tools,
  // the directories of their file arguments mounted (docs/execution.md 9). With any other
  // executable the reference runs the command unwrapped, and so do we. Either way the
  // Ansible tools are not resolved through our PATH then.
  bool process_isolation = false;
  std::optional<std::string> process_isolation_executable;
  std::optional<std::string> container_image;
  std::optional<std::vector<std::string>> container_volume_mounts;
  std::optional<std::vector<std::string>> container_options;
  std::optional<std::string> container_workdir;
  std::optional<Json> container_auth_data;

  // run_command only, subprocess mode: the child's stdin, stdout, stderr (borrowed, not
  // closed). A given output/error fd receives that stream directly; its artifact stays empty.
  std::optional<int> input_fd;
  std::optional<int> output_fd;
  std::optional<int> error_fd;
};

// What a helper returns. The reference returns a tuple whose first item is either the text or
// the parsed JSON; here both are kept apart.
struct CommandResponse {
  std::string response;        // the stdout artifact's text
  std::string error;           // the stderr artifact's text (empty in pexpect mode)
  std::optional<Json> json;    // the parsed response, where the reference parses it (below)
  std::optional<int> rc;       // the command's exit code; 254 on timeout or cancel
  RunResult runner;            // the finished job: status, artifacts, events
};

// `[executable_cmd] + cmdline_args`. Returns response, error and rc (no JSON parsing).
// Errors: an empty executable_cmd ("For CommandRunner 'executable_cmd' value is required"); a
// command whose name contains "python" without cmdline_args ("Runner requires python
// filename for execution"); runner_mode pexpect with input_fd ("input_fd is applicable only
// with 'subprocess' runner mode").
CommandResponse run_command(const std::string& executable_cmd,
                            const std::optional<std::vector<std::string>>& cmdline_args = std::nullopt,
                            const CommandOptions& options = {}, const Handlers& handlers = {});
RunHandle run_command_async(const std::string& executable_cmd,
                            const std::optional<std::vector<std::string>>& cmdline_args = std::nullopt,
                            const CommandOptions& options = {}, const Handlers& handlers = {});

// `ansible-doc [-j] [-s] [-t TYPE] [--playbook-dir D] [-M PATH] NAME...`.
// json is set when response_format is "json" and the output is not empty.
struct PluginDocsRequest {
  std::vector<std::string> plugin_names;
  std::optional<std::string> plugin_type;     // module when unset (ansible-doc's default)
  std::optional<std::string> response_format; // "json" or "human"
  bool snippet = false;
  std::optional<std::string> playbook_dir;
  std::optional<std::string> module_path;
};
CommandResponse get_plugin_docs(const PluginDocsRequest& request, const CommandOptions& options = {},
                                const Handlers& handlers = {});
RunHandle get_plugin_docs_async(const PluginDocsRequest& request, const CommandOptions& options = {},
                                const Handlers& handlers = {});

// `ansible-doc (-F | -l) [-j] [-t TYPE] [--playbook-dir D] [-M PATH]`; json as above.
struct PluginListRequest {
  bool list_files = false;
  std::optional<std::string> response_format; // "json" or "human"
  std::optional<std::string> plugin_type;
  std::optional<std::string> playbook_dir;
  std::optional<std::string> module_path;
};
CommandResponse get_plugin_list(const PluginListRequest& request, const CommandOptions& options = {},
                                const Handlers& handlers = {});

// `ansible-inventory --ACTION [HOST] (-i INV)... [--yaml|--toml] [--playbook-dir D]
// [--vault-id V] [--vault-password-file F] [--output FILE] [--export]`.
// json is set only when response_format is "json" explicitly (ansible-inventory prints JSON
// by default, but the reference parses only then) and the output is not empty.
struct InventoryRequest {
  std::string action;                          // "graph", "host" or "list"
  std::vector<std::string> inventories;
  std::optional<std::string> response_format;  // "json", "yaml" or "toml"; graph: json only
  std::optional<std::string> host;             // required for "host"
  std::optional<std::string> playbook_dir;
  std::optional<std::string> vault_ids;
  std::optional<std::string> vault_password_file;
  std::optional<std::string> output_file;
  bool export_ = false;                        // --export (`export` is a C++ keyword)
};
CommandResponse get_inventory(const InventoryRequest& request, const CommandOptions& options = {},
                              const Handlers& handlers = {});

// `ansible-config ACTION [-c FILE] [--only-changed]`; never parsed.
struct AnsibleConfigRequest {
  std::string action;                    // "list", "dump" or "view"
  std::optional<std::string> config_file;
  bool only_changed = false;             // dump only
};
CommandResponse get_ansible_config(const AnsibleConfigRequest& request, const CommandOptions& options = {},
                                   const Handlers& handlers = {});

// `ansible-doc -t role -l -j [--playbook-dir D] [COLLECTION]`; json set whenever the output
// is not empty.
struct RoleListRequest {
  std::optional<std::string> collection;
  std::optional<std::string> playbook_dir;
};
CommandResponse get_role_list(const RoleListRequest& request = {}, const CommandOptions& options = {},
                              const Handlers& handlers = {});

// `ansible-doc -t role -j [--playbook-dir D] [COLLECTION.]ROLE`; json as for get_role_list.
struct RoleArgspecRequest {
  std::string role;
  std::optional<std::string> collection;
  std::optional<std::string> playbook_dir;
};
CommandResponse get_role_argspec(const RoleArgspecRequest& request, const CommandOptions& options = {},
                                 const Handlers& handlers = {});

// The reference's sanitize_json_response + json.loads: drops everything before the first '{'
// (Ansible's warnings), trims, parses. Throws Error when there is no '{' or the rest is not
// JSON (the reference raises too).
Json parse_json_response(const std::string& text);

} // namespace ansible_runner
