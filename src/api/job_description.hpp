#pragma once
// What a RunResult says about a job before it has run: the parts of the reference's
// Runner.config a caller reads (ident, artifact dir, command, cwd, env, fact cache).
#include <ansible_runner/runner.hpp>

#include "config/job_config.hpp"

namespace ansible_runner::api {

// status "unstarted", rc empty, flags false; everything else from the config.
RunResult describe_job(const config::JobConfig& config);

} // namespace ansible_runner::api
