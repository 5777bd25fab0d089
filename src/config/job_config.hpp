#pragma once
// JobConfig: everything needed to spawn one job, resolved from RunOptions and the private data
// dir (the reference's RunnerConfig after prepare()).
#include <optional>
#include <string>
#include <vector>

#include <ansible_runner/json.hpp>
#include <ansible_runner/options.hpp>

#include "exec/prompt_responder.hpp"

namespace ansible_runner::config {

using exec::PasswordPrompt;

struct JobConfig {
  std::string private_data_dir; // absolute
  std::string ident;
  std::string artifact_dir;     // <artifact root>/<ident>, absolute
  std::string project_dir;      // as given (the reference does not make it absolute)

  // What the `command` artifact and the `starting` status show: the final command line (after
  // ssh-agent, sandbox and container wrapping), the job's working directory and environment.
  std::vector<std::string> command;
  std::string cwd;
  Json env = Json::object();    // full child environment, in the reference's order, all strings

  // What the process is really started with. Equal to cwd/env, except for containers: the
  // engine runs in the runner's own cwd with the runner's environment plus the job
  // environment (docs/execution.md 9), while cwd/env above describe the inside of the container.
  std::string spawn_cwd;
  Json spawn_env = Json::object();
  // Containers only: the text to write to <artifact_dir>/env.list just before spawning
  // (KEY=VALUE lines joined by "\n", no trailing newline, no escaping, as the reference).
  std::optional<std::string> env_list;

  // Settings that steer the run loop (env/settings + options).
  std::optional<double> job_timeout;  // unset (or 0 in the input): no limit
  std::optional<double> idle_timeout; // unset (or 0 in the input): no limit
  double pexpect_timeout = 5;
  bool suppress_output_file = false;
  bool suppress_ansible_output = false;
  bool json_mode = false;
  bool check_job_event_data = false;
  int rotate_artifacts = 0;
  std::vector<PasswordPrompt> passwords; // merged: kwarg first, then env/passwords (file wins)
  std::optional<std::string> ssh_key; // key material, fed to ssh-agent through a FIFO
  std::string ssh_key_fifo;           // <artifact_dir>/ssh_key_data when ssh_key is set
  std::string fact_cache_type;        // "jsonfile" enables the cache env vars
  std::optional<std::string> fact_cache_dir;
  bool containerized = false;         // podman or docker
  bool sandboxed = false;             // process isolation with any other executable (bwrap)
  std::optional<std::string> container_name;
  std::optional<std::string> process_isolation_executable; // set when process isolation is on
  Json settings = Json::object();

  // Paths the run created for itself and removes after the final status (files or
  // directories, removed recursively): a generated role playbook (or the project dir when it
  // was created for it), the sandbox temp dir (retry on EBUSY), the directory-isolation copy
  // (unless directory_isolation_cleanup is false), the registry auth dir.
  std::vector<std::string> cleanup_paths;
};

// Loads env/* files and builds command, env and cwd as the reference's RunnerConfig.prepare()
// does. Side effects, as in the reference: creates the artifact dir (even when validation then
// fails), writes plays given as JSON to <pdd>/project/main.json and a mapping inventory to
// <pdd>/inventory/hosts.json, creates the sandbox/directory-isolation/registry-auth dirs and
// copies the callback plugin into <artifact_dir>/callback for containers. It does not create
// the ssh-key FIFO (the runner does) and does not write env.list.
// Throws ConfigurationError naming the file, line and field for bad input, with the
// reference's texts for its own validation errors, e.g. "Unable to find process isolation
// executable: podman" when the process_isolation option is set and `<exe> --version` fails
// (process_isolation from env/settings is not probed, as in the reference).
JobConfig prepare(const RunOptions& options);

} // namespace ansible_runner::config
