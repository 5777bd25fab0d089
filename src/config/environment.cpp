#include "config/environment.hpp"

#include <cstdlib>
#include <cstring>

#include "util/fs.hpp"
#include "util/pypath.hpp"
#include "util/python_repr.hpp"

extern char** environ;

namespace ansible_runner::config {

namespace {

void update(Json& env, const Json& values) {
  for (const auto& [key, value] : values.items()) {
    env[key] = value;
  }
}

bool has_truthy(const Json& env, const char* key) {
  return env.contains(key) && util::python_truthy(env[key]);
}

// ':'.join(filter(None, (existing, dir)))
std::string append_path(const Json& env, const char* key, const std::string& dir) {
  std::string out = has_truthy(env, key) ? util::python_str(env[key]) : "";
  if (!dir.empty()) {
    out += (out.empty() ? "" : ":") + dir;
  }
  return out;
}

} // namespace

Json process_environment() {
  Json env = Json::object();
  for (char** entry = environ; entry && *entry; ++entry) {
    const char* eq = std::strchr(*entry, '=');
    if (eq == nullptr) {
      continue;
    }
    std::string key(*entry, static_cast<size_t>(eq - *entry));
    if (!env.contains(key)) {
      env[key] = std::string(eq + 1);
    }
  }
  return env;
}

Json build_environment(const EnvironmentInputs& in) {
  Json env = Json::object();
  std::string container_artifacts = "/runner/artifacts/" + in.ident;
  if (in.containerized) {
    // The container's environment is only what we give it through env.list.
    if (in.isolation_executable == "podman") {
      // fuse-overlayfs cannot set extended attributes; modules fall back with this set.
      env["ANSIBLE_UNSAFE_WRITES"] = "1";
    }
    env["AWX_ISOLATED_DATA_DIR"] = container_artifacts;
    if (in.fact_cache_type == "jsonfile") {
      env["ANSIBLE_CACHE_PLUGIN_CONNECTION"] = container_artifacts + "/fact_cache";
    }
  } else {
    env = process_environment();
  }
  if (in.envvars && in.envvars->is_object()) {
    update(env, *in.envvars);
  }
  if (in.envvars_file && util::python_truthy(*in.envvars_file)) {
    update(env, *in.envvars_file);
  }

  if (in.containerized) {
    env["ANSIBLE_CALLBACK_PLUGINS"] = append_path(env, "ANSIBLE_CALLBACK_PLUGINS", container_artifacts + "/callback");
  } else {
    // AWX_LIB_DIRECTORY (job env, then our own) overrides the plugin dir. Unlike 2.3.1 an
    // empty value counts as unset (upstream main), so the plugin is never silently lost.
    std::string lib_dir;
    if (has_truthy(env, "AWX_LIB_DIRECTORY")) {
      lib_dir = util::python_str(env["AWX_LIB_DIRECTORY"]);
    } else if (const char* own = std::getenv("AWX_LIB_DIRECTORY"); own && *own) {
      lib_dir = own;
    } else {
      lib_dir = in.callback_dir;
    }
    env["ANSIBLE_CALLBACK_PLUGINS"] = append_path(env, "ANSIBLE_CALLBACK_PLUGINS", lib_dir);
  }

  if (has_truthy(env, "ANSIBLE_STDOUT_CALLBACK")) {
    env["ORIGINAL_STDOUT_CALLBACK"] = env["ANSIBLE_STDOUT_CALLBACK"];
  }
  if (in.adhoc) {
    // Ad-hoc `ansible` loads stdout callbacks only when told to.
    env["ANSIBLE_LOAD_CALLBACK_PLUGINS"] = "1";
    if (!env.contains("AD_HOC_COMMAND_ID")) {
      env["AD_HOC_COMMAND_ID"] = "1";
    }
  }
  env["ANSIBLE_STDOUT_CALLBACK"] = "awx_display";
  env["ANSIBLE_RETRY_FILES_ENABLED"] = "False";
  if (!env.contains("ANSIBLE_HOST_KEY_CHECKING")) {
    env["ANSIBLE_HOST_KEY_CHECKING"] = "False";
  }
  if (!in.containerized) {
    env["AWX_ISOLATED_DATA_DIR"] = in.artifact_dir;
  }
  if (in.fact_cache_type == "jsonfile") {
    env["ANSIBLE_CACHE_PLUGIN"] = "jsonfile";
    if (!in.containerized) {
      env["ANSIBLE_CACHE_PLUGIN_CONNECTION"] = in.fact_cache_dir ? Json(*in.fact_cache_dir) : Json(nullptr);
    }
  }
  for (auto& [key, value] : env.items()) {
    if (!value.is_string()) {
      value = util::python_str(value);
    }
  }
  return env;
}

void set_container_spawn(JobConfig& job) {
  std::string env_list;
  for (const auto& [key, value] : job.env.items()) {
    env_list += (env_list.empty() ? "" : "\n") + key + "=" + value.get<std::string>();
  }
  job.env_list = std::move(env_list);
  job.spawn_env = process_environment();
  for (const auto& [key, value] : job.env.items()) {
    job.spawn_env[key] = value;
  }
  job.spawn_cwd = util::py_abspath(".");
}

} // namespace ansible_runner::config
