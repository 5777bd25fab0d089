#include <ansible_runner/runner.hpp>

#include "api/job_runner.hpp"
#include "config/job_config.hpp"

namespace ansible_runner {

RunResult run(const RunOptions& options, const Handlers& handlers) {
  api::JobRunner runner(config::prepare(options), handlers);
  return runner.run();
}

} // namespace ansible_runner
