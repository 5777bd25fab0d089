#include <ansible_runner/runner.hpp>

#include "api/job_runner.hpp"
#include "config/job_config.hpp"
#include "config/kwargs.hpp"

namespace ansible_runner {

RunResult run(const RunOptions& options, const Handlers& handlers) {
  RunOptions prepared = options;
  config::dump_artifacts_for_run(prepared);
  api::JobRunner runner(config::prepare(prepared), handlers);
  return runner.run();
}

} // namespace ansible_runner
