#pragma once
// The Ansible process environment, built in the reference's order (docs/execution.md 2, steps 1-10).
#include <optional>
#include <string>

#include <ansible_runner/json.hpp>

#include "config/job_config.hpp"

namespace ansible_runner::config {

struct EnvironmentInputs {
  bool containerized = false;
  std::string isolation_executable;   // "podman" adds ANSIBLE_UNSAFE_WRITES when containerized
  std::string ident;
  std::string artifact_dir;
  std::string fact_cache_type;
  std::optional<std::string> fact_cache_dir;
  std::optional<Json> envvars;        // kwarg
  std::optional<Json> envvars_file;   // env/envvars
  std::string callback_dir;           // our plugin dir on the host
  bool adhoc = false;                 // module set and no binary
};

// The runner's own environment as a Json object, in environ order.
Json process_environment();

// A containerized job (docs/execution.md 9): env.list gets the job environment as KEY=VALUE lines
// (joined by "\n", no escaping, as the reference), and the engine itself runs in our cwd with
// our environment plus the job's (secrets included).
void set_container_spawn(JobConfig& job);

// Steps 1-10: base (own environment, or the container's few variables), kwarg envvars,
// env/envvars, callback plugin path, ORIGINAL_STDOUT_CALLBACK, ad-hoc ids, the awx_display
// variables, AWX_ISOLATED_DATA_DIR, the fact cache; every value converted with Python's str().
Json build_environment(const EnvironmentInputs& inputs);

} // namespace ansible_runner::config
