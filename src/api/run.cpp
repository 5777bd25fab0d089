#include <ansible_runner/run_handle.hpp>
#include <ansible_runner/runner.hpp>

#include "api/job_description.hpp"
#include "api/job_runner.hpp"
#include "api/prepared_job.hpp"
#include "config/job_config.hpp"
#include "config/kwargs.hpp"

namespace ansible_runner {

config::JobConfig api::prepare_run(const RunOptions& options) {
  RunOptions prepared = options;
  config::dump_artifacts_for_run(prepared);
  return config::prepare(prepared);
}

RunResult run(const RunOptions& options, const Handlers& handlers) {
  api::JobRunner runner(api::prepare_run(options), handlers);
  return runner.run();
}

RunHandle run_async(const RunOptions& options, const Handlers& handlers) {
  config::JobConfig config = api::prepare_run(options);
  api::PreparedJob job;
  job.description = api::describe_job(config);
  job.run = [config = std::move(config)](const Handlers& wrapped) {
    api::JobRunner runner(config, wrapped);
    return runner.run();
  };
  return api::start_async(std::move(job), handlers);
}

} // namespace ansible_runner
