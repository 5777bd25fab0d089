#include "api/helper_commands.hpp"

#include <algorithm>

#include <ansible_runner/errors.hpp>

namespace ansible_runner::api {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    out += (out.empty() ? "" : ", ") + item;
  }
  return out;
}

bool one_of(const std::string& value, const std::vector<std::string>& allowed) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

void check_response_format(const std::optional<std::string>& format, const std::vector<std::string>& allowed) {
  // The reference tests truthiness: an empty string is "not given".
  if (format && !format->empty() && !one_of(*format, allowed)) {
    throw ConfigurationError("Invalid response_format " + *format + ", valid value is one of either " + join(allowed));
  }
}

void add_option(std::vector<std::string>& args, const char* flag, const std::optional<std::string>& value) {
  if (value && !value->empty()) {
    args.insert(args.end(), {flag, *value});
  }
}

const std::vector<std::string> k_doc_formats = {"json", "human"};

// The part of the last PATH element (split on ':' as the reference does, not on '/').
std::string last_pathsep_part(const std::string& executable) {
  auto colon = executable.rfind(':');
  return colon == std::string::npos ? executable : executable.substr(colon + 1);
}

} // namespace

std::vector<std::string> plugin_docs_args(const PluginDocsRequest& r) {
  check_response_format(r.response_format, k_doc_formats);
  std::vector<std::string> args;
  if (r.response_format == "json") {
    args.push_back("-j");
  }
  if (r.snippet) {
    args.push_back("-s");
  }
  add_option(args, "-t", r.plugin_type);
  add_option(args, "--playbook-dir", r.playbook_dir);
  add_option(args, "-M", r.module_path);
  args.insert(args.end(), r.plugin_names.begin(), r.plugin_names.end());
  return args;
}

std::vector<std::string> plugin_list_args(const PluginListRequest& r) {
  check_response_format(r.response_format, k_doc_formats);
  std::vector<std::string> args;
  args.push_back(r.list_files ? "-F" : "-l");
  if (r.response_format == "json") {
    args.push_back("-j");
  }
  add_option(args, "-t", r.plugin_type);
  add_option(args, "--playbook-dir", r.playbook_dir);
  add_option(args, "-M", r.module_path);
  return args;
}

std::vector<std::string> inventory_args(const InventoryRequest& r) {
  const std::vector<std::string> actions = {"graph", "host", "list"};
  if (!one_of(r.action, actions)) {
    throw ConfigurationError("Invalid action " + r.action + ", valid value is one of either " + join(actions));
  }
  check_response_format(r.response_format, {"json", "yaml", "toml"});
  if (r.action == "host" && !r.host) {
    throw ConfigurationError("Value of host parameter is required when action in 'host'");
  }
  if (r.action == "graph" && r.response_format && !r.response_format->empty() && *r.response_format != "json") {
    throw ConfigurationError("'graph' action supports only 'json' response format");
  }
  std::vector<std::string> args;
  args.push_back("--" + r.action);
  if (r.action == "host") {
    args.push_back(*r.host);
  }
  for (const auto& inventory : r.inventories) {
    args.insert(args.end(), {"-i", inventory});
  }
  if (r.response_format == "yaml" || r.response_format == "toml") {
    args.push_back("--" + *r.response_format);
  }
  add_option(args, "--playbook-dir", r.playbook_dir);
  add_option(args, "--vault-id", r.vault_ids);
  add_option(args, "--vault-password-file", r.vault_password_file);
  add_option(args, "--output", r.output_file);
  if (r.export_) {
    args.push_back("--export");
  }
  return args;
}

std::vector<std::string> ansible_config_args(const AnsibleConfigRequest& r) {
  const std::vector<std::string> actions = {"list", "dump", "view"};
  if (!one_of(r.action, actions)) {
    throw ConfigurationError("Invalid action " + r.action + ", valid value is one of either " + join(actions));
  }
  if (r.action != "dump" && r.only_changed) {
    throw ConfigurationError("only_changed is applicable for action 'dump'");
  }
  std::vector<std::string> args{r.action};
  add_option(args, "-c", r.config_file);
  if (r.only_changed) {
    args.push_back("--only-changed");
  }
  return args;
}

std::vector<std::string> role_list_args(const RoleListRequest& r) {
  std::vector<std::string> args{"-t", "role", "-l", "-j"};
  add_option(args, "--playbook-dir", r.playbook_dir);
  if (r.collection && !r.collection->empty()) {
    args.push_back(*r.collection);
  }
  return args;
}

std::vector<std::string> role_argspec_args(const RoleArgspecRequest& r) {
  std::vector<std::string> args{"-t", "role", "-j"};
  add_option(args, "--playbook-dir", r.playbook_dir);
  args.push_back(r.collection && !r.collection->empty() ? *r.collection + "." + r.role : r.role);
  return args;
}

bool is_ansible_command(const std::string& executable_cmd) {
  return last_pathsep_part(executable_cmd).starts_with("ansible");
}

RunnerMode run_command_mode(const std::string& executable_cmd,
                            const std::optional<std::vector<std::string>>& cmdline_args,
                            const CommandOptions& options) {
  // The reference raises when pexpect is chosen *without* input_fd, which contradicts its own
  // message; we raise when input_fd is given to pexpect mode, where it would be ignored.
  if (options.runner_mode == RunnerMode::pexpect && options.input_fd) {
    throw ConfigurationError("input_fd is applicable only with 'subprocess' runner mode");
  }
  if (executable_cmd.empty()) {
    throw ConfigurationError("For CommandRunner 'executable_cmd' value is required");
  }
  std::string name = last_pathsep_part(executable_cmd);
  bool ansible_command = name.starts_with("ansible");
  if (!ansible_command && name.find("python") != std::string::npos && !cmdline_args) {
    throw ConfigurationError("Runner requires python filename for execution");
  }
  if (options.runner_mode) {
    return *options.runner_mode;
  }
  if (options.input_fd || name == "ansible-config" || name == "ansible-doc" || name == "ansible-galaxy") {
    return RunnerMode::subprocess;
  }
  return RunnerMode::pexpect;
}

} // namespace ansible_runner::api
