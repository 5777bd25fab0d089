#pragma once
// JobConfig: everything needed to spawn one job, resolved from RunOptions and the private data
// dir (the reference's RunnerConfig after prepare()).
#include <optional>
#include <string>
#include <vector>

#include <ansible_runner/json.hpp>
#include <ansible_runner/options.hpp>

namespace ansible_runner::config {

struct PasswordPrompt {
  std::string pattern;               // Python re syntax, compiled MULTILINE
  std::optional<std::string> answer; // null answer: send nothing
};

struct JobConfig {
  std::string private_data_dir; // absolute
  std::string ident;
  std::string artifact_dir;     // <artifact root>/<ident>, absolute
  std::string project_dir;

  std::vector<std::string> command;
  std::string cwd;
  Json env = Json::object();    // full child environment, in the reference's order, all strings

  // Settings that steer the run loop (env/settings + options).
  std::optional<double> job_timeout;
  std::optional<double> idle_timeout;
  double pexpect_timeout = 5;
  bool suppress_output_file = false;
  bool suppress_ansible_output = false;
  bool json_mode = false;
  int rotate_artifacts = 0;
  std::vector<PasswordPrompt> passwords;
  std::optional<std::string> ssh_key; // key material, fed to ssh-agent through a FIFO
  std::string ssh_key_fifo;           // <artifact_dir>/ssh_key_data when ssh_key is set
  std::optional<std::string> fact_cache_dir;
  bool containerized = false;
  std::optional<std::string> container_name;
  std::optional<std::string> process_isolation_executable;
  Json settings = Json::object();

  // Files the run created for itself (a generated role playbook) and removes afterwards.
  std::vector<std::string> cleanup_paths;
};

// Loads env/* files and builds command, env and cwd as the reference's RunnerConfig.prepare()
// does. Throws ConfigurationError naming the file, line and field for bad input.
JobConfig prepare(const RunOptions& options);

} // namespace ansible_runner::config
