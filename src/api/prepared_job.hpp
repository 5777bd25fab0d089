#pragma once
// A job whose configuration is resolved but which has not run yet: what run(), the command
// helpers and their _async variants share. Preparing throws ConfigurationError; running
// blocks until the job ends.
#include <functional>

#include <ansible_runner/run_handle.hpp>
#include <ansible_runner/runner.hpp>

namespace ansible_runner::api {

struct PreparedJob {
  RunResult description; // describe_job() of the config: known before the run starts
  std::function<RunResult(const Handlers&)> run;
};

// Runs `job` on a new thread with a copy of `handlers` (see run_handle.hpp).
RunHandle start_async(PreparedJob job, const Handlers& handlers);

} // namespace ansible_runner::api
