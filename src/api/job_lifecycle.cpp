#include "api/job_lifecycle.hpp"

#include <ansible_runner/errors.hpp>

#include "util/fs.hpp"

namespace ansible_runner::api {

void emit_status(const Handlers& handlers, const config::JobConfig& config, const std::string& status) {
  if (!handlers.on_status) {
    return;
  }
  Json data = Json::object();
  data["status"] = status;
  data["runner_ident"] = config.ident;
  if (status == "starting") {
    data["command"] = config.command;
    data["env"] = config.env;
    data["cwd"] = config.cwd;
  }
  handlers.on_status(data);
}

std::string final_status(const RunResult& result) {
  if (result.canceled) {
    return "canceled";
  }
  if (result.rc == 0 && !result.timed_out) {
    return "successful";
  }
  if (result.timed_out) {
    return "timeout";
  }
  return "failed";
}

void finish_job(const Handlers& handlers, const config::JobConfig& config, RunResult& result) {
  for (const auto& path : config.cleanup_paths) {
    util::remove_tree(path, true);
  }
  if (handlers.on_artifacts) {
    try {
      handlers.on_artifacts(config.artifact_dir);
    } catch (const std::exception& e) {
      throw CallbackError(std::string("Exception in Artifact Callback: ") + e.what());
    }
  }
  if (handlers.on_finished) {
    try {
      handlers.on_finished(result);
    } catch (const std::exception& e) {
      throw CallbackError(std::string("Exception in Finished Callback: ") + e.what());
    }
  }
}

} // namespace ansible_runner::api
