#pragma once
// The steps every local job runner shares around its process: the start (status messages, the
// artifact dir), the end (status and rc, clean-up paths, artifacts handler, finished handler,
// with the reference's CallbackError texts; docs/execution.md 7), and the end of a job whose
// artifacts cannot be written.
#include <string>
#include <vector>

#include <ansible_runner/runner.hpp>

#include "artifacts/artifact_writer.hpp"
#include "config/job_config.hpp"

namespace ansible_runner::api {

// What the artifact writer needs of the job.
artifacts::ArtifactSettings artifact_settings(const config::JobConfig& config);

// The start of every job, before its process: "starting" to the status handler, the artifact
// dir (command, rotation, stdout and stderr, env.list), "running". Returns the job's result so
// far, whose status is "running".
RunResult start_job(const Handlers& handlers, const config::JobConfig& config, artifacts::ArtifactWriter& writer);

// {"status", "runner_ident"} plus command, env and cwd for "starting".
void emit_status(const Handlers& handlers, const config::JobConfig& config, const std::string& status);

// rc and flags -> the final status, in the reference's order of checks.
std::string final_status(const RunResult& result);

// KEY=VALUE entries of the environment the process starts with: spawn_env (containers), else env.
std::vector<std::string> spawn_environment(const config::JobConfig& config);

// The reference's Runner.kill_container(): `<engine> kill <name>` after a cancel, timeout or
// error of a containerized job; nothing for other jobs.
void kill_container(const config::JobConfig& config);

// After a containerized job was killed (cancel, timeout, error): `<engine> rm -f <name>`, so
// that the container is gone when the job's result is returned. The reference leaves its removal
// to `podman run --rm`'s exit command (conmon), which may still be running at that moment, or
// never runs when the container was killed before it started. Nothing for other jobs.
void remove_container(const config::JobConfig& config);

// The end of every job, in the reference's order (docs/execution.md 7): the final status from rc
// and flags, its status message, the status and rc files, the config's clean-up paths, then
// on_artifacts and on_finished (their exceptions become CallbackError).
void finish_job(const Handlers& handlers, const config::JobConfig& config, artifacts::ArtifactWriter& writer,
                RunResult& result);

// A job stopped because an artifact could not be written (a full disk): status "error" to the
// status handler and, as far as the disk allows, in the status file. The caller rethrows.
void fail_job(const Handlers& handlers, const config::JobConfig& config, artifacts::ArtifactWriter& writer,
              RunResult& result);

} // namespace ansible_runner::api
