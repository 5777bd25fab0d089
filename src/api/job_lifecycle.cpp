#include "api/job_lifecycle.hpp"

#include <ansible_runner/errors.hpp>

#include "api/job_description.hpp"
#include "exec/pipe_child.hpp"
#include "util/fs.hpp"
#include "util/python_repr.hpp"

namespace ansible_runner::api {

artifacts::ArtifactSettings artifact_settings(const config::JobConfig& config) {
  artifacts::ArtifactSettings settings;
  settings.artifact_dir = config.artifact_dir;
  settings.command = config.command;
  settings.cwd = config.cwd;
  settings.env = config.env;
  settings.env_list = config.env_list;
  settings.suppress_output_file = config.suppress_output_file;
  settings.rotate_artifacts = config.rotate_artifacts;
  return settings;
}

RunResult start_job(const Handlers& handlers, const config::JobConfig& config, artifacts::ArtifactWriter& writer) {
  RunResult result = describe_job(config);
  result.status = "starting";
  emit_status(handlers, config, result.status);
  writer.prepare();
  writer.write_env_list();
  result.status = "running";
  emit_status(handlers, config, result.status);
  return result;
}

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

std::vector<std::string> spawn_environment(const config::JobConfig& config) {
  const Json& env = config.spawn_env.empty() ? config.env : config.spawn_env;
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [key, value] : env.items()) {
    out.push_back(key + "=" + util::python_str(value)); // str(value), as the reference
  }
  return out;
}

void kill_container(const config::JobConfig& config) {
  if (!config.container_name || !config.process_isolation_executable) {
    return;
  }
  exec::PipeSpawnSpec spec;
  spec.argv = {*config.process_isolation_executable, "kill", *config.container_name};
  spec.env = spawn_environment(config);
  exec::PipeLimits limits;
  limits.timeout = 30;
  try {
    exec::run_piped(spec, limits);
  } catch (const exec::SpawnError&) {
    // nothing to kill with
  }
}

void remove_container(const config::JobConfig& config) {
  if (!config.container_name || !config.process_isolation_executable) {
    return;
  }
  exec::PipeSpawnSpec spec;
  spec.argv = {*config.process_isolation_executable, "rm", "-f", *config.container_name};
  spec.env = spawn_environment(config);
  exec::PipeLimits limits;
  limits.timeout = 30;
  try {
    exec::run_piped(spec, limits); // "no such container" when --rm was quicker: fine
  } catch (const exec::SpawnError&) {
    // nothing to remove with
  }
}

void finish_job(const Handlers& handlers, const config::JobConfig& config, artifacts::ArtifactWriter& writer,
                RunResult& result) {
  result.status = final_status(result);
  emit_status(handlers, config, result.status);
  writer.write_result(result.status, result.rc);
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

void fail_job(const Handlers& handlers, const config::JobConfig& config, artifacts::ArtifactWriter& writer,
              RunResult& result) {
  result.status = "error";
  emit_status(handlers, config, result.status);
  try {
    writer.write_status(result.status);
  } catch (const Error&) {
    // best effort: the disk may still be full
  }
}

} // namespace ansible_runner::api
