#pragma once
// The ansible / ansible-playbook command line before any wrapping (docs/execution.md 1).
#include <optional>
#include <string>
#include <vector>

#include <ansible_runner/json.hpp>

namespace ansible_runner::config {

class EnvLoader;

enum class ExecutionMode { raw, ansible, ansible_playbook };

struct CommandInputs {
  std::optional<std::string> binary;
  std::optional<std::string> module;
  std::optional<std::string> module_args;
  std::optional<std::string> host_pattern;
  std::optional<std::string> playbook;  // path, already materialised
  std::optional<std::string> cmdline;   // kwarg; env/cmdline is read when it is empty
  std::optional<Json> inventory;        // null/absent: none; string; list of strings
  std::optional<std::string> limit;
  bool containerized = false;
  std::optional<Json> extravars;        // mapping, or a path string
  std::optional<int> verbosity;
  std::optional<std::string> tags;
  std::optional<std::string> skip_tags;
  std::optional<std::string> forks;
};

struct AnsibleCommand {
  std::vector<std::string> argv;
  ExecutionMode mode = ExecutionMode::ansible_playbook;
};

// `<pdd>/args` if present (raw mode), else the generated command in the reference's order.
// Throws ConfigurationError naming the file or option for text that cannot be shell-split.
AnsibleCommand build_ansible_command(const CommandInputs& inputs, EnvLoader& loader);

// The `-e` value for an extravars mapping: {"k1":<json v1>,"k2":<json v2>} (keys not escaped,
// values with Python's json.dumps separators), as the reference writes it.
std::string extravars_argument(const Json& extravars);

} // namespace ansible_runner::config
