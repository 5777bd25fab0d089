#pragma once
// What --debug tells an operator about a prepared job: isolation, working directory, the
// child's environment and the final command line.
#include "config/job_config.hpp"

namespace ansible_runner::config {

// Writes the summary through util::debug_log; nothing when debugging is off.
void log_job_summary(const JobConfig& job);

} // namespace ansible_runner::config
