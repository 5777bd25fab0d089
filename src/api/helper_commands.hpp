#pragma once
// The argument lists of the command helpers (docs/execution.md 1.3), validated with the
// reference's ConfigurationError messages. Pure functions: no process, no filesystem.
#include <string>
#include <vector>

#include <ansible_runner/commands.hpp>

namespace ansible_runner::api {

// Arguments after the executable (the reference's cmdline_args).
std::vector<std::string> plugin_docs_args(const PluginDocsRequest& request);
std::vector<std::string> plugin_list_args(const PluginListRequest& request);
std::vector<std::string> inventory_args(const InventoryRequest& request);
std::vector<std::string> ansible_config_args(const AnsibleConfigRequest& request);
std::vector<std::string> role_list_args(const RoleListRequest& request);
std::vector<std::string> role_argspec_args(const RoleArgspecRequest& request);

// run_command: the runner mode the reference picks, after its checks of the arguments
// (executable required; a generic "python" command needs arguments; pexpect with input_fd).
RunnerMode run_command_mode(const std::string& executable_cmd,
                            const std::optional<std::vector<std::string>>& cmdline_args,
                            const CommandOptions& options);

// The reference's "is it an ansible command" test for run_command: the part after the last
// ':' (os.pathsep, not '/') starts with "ansible".
bool is_ansible_command(const std::string& executable_cmd);

} // namespace ansible_runner::api
