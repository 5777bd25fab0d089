#include "config/job_debug_log.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "util/debug_log.hpp"
#include "util/python_repr.hpp"
#include "util/shlex.hpp"

namespace ansible_runner::config {

void log_job_summary(const JobConfig& job) {
  namespace dl = util::debug_log;
  if (!dl::enabled()) {
    return;
  }
  if (job.containerized) {
    dl::line("process isolation: container (" + job.process_isolation_executable.value_or("") + ")");
  } else if (job.sandboxed) {
    dl::line("process isolation: sandbox (" + job.process_isolation_executable.value_or("") + ")");
  } else {
    dl::line("process isolation: off");
  }
  dl::line("cwd: " + job.cwd);
  // Sorted, as an operator diffs two jobs' environments.
  std::vector<std::pair<std::string, std::string>> env;
  for (const auto& [key, value] : job.env.items()) {
    env.emplace_back(key, util::python_str(value));
  }
  std::sort(env.begin(), env.end());
  dl::line("env:");
  for (const auto& [key, value] : env) {
    dl::line(" " + key + ": " + value);
  }
  dl::line("command: " + util::shlex_join(job.command));
}

} // namespace ansible_runner::config
