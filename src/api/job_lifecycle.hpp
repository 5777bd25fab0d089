#pragma once
// The steps every local job runner shares around its process: status messages to the status
// handler, and the end of a job (clean-up paths, artifacts handler, finished handler) with the
// reference's CallbackError texts (execution.md 7).
#include <string>
#include <vector>

#include <ansible_runner/runner.hpp>

#include "config/job_config.hpp"

namespace ansible_runner::api {

// {"status", "runner_ident"} plus command, env and cwd for "starting".
void emit_status(const Handlers& handlers, const config::JobConfig& config, const std::string& status);

// rc and flags -> the final status, in the reference's order of checks.
std::string final_status(const RunResult& result);

// KEY=VALUE entries of the environment the process starts with: spawn_env (containers), else env.
std::vector<std::string> spawn_environment(const config::JobConfig& config);

// The reference's Runner.kill_container(): `<engine> kill <name>` after a cancel, timeout or
// error of a containerized job; nothing for other jobs.
void kill_container(const config::JobConfig& config);

// After the status and rc files: removes the config's clean-up paths, then calls on_artifacts
// and on_finished; exceptions from those become CallbackError.
void finish_job(const Handlers& handlers, const config::JobConfig& config, RunResult& result);

} // namespace ansible_runner::api
