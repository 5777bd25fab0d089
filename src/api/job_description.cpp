#include "api/job_description.hpp"

namespace ansible_runner::api {

RunResult describe_job(const config::JobConfig& config) {
  RunResult result;
  result.ident = config.ident;
  result.artifact_dir = config.artifact_dir;
  result.command = config.command;
  result.cwd = config.cwd;
  result.env = config.env;
  result.private_data_dir = config.private_data_dir;
  result.fact_cache_type = config.fact_cache_type;
  result.fact_cache_dir = config.fact_cache_dir;
  return result;
}

} // namespace ansible_runner::api
