#include "python/command_options.hpp"

#include <ansible_runner/errors.hpp>

#include "util/python_repr.hpp"

namespace ansible_runner::python {
namespace {

const Json* given(const Json& kwargs, const char* key) {
  auto it = kwargs.find(key);
  return it == kwargs.end() || it->is_null() ? nullptr : &*it;
}

std::optional<std::string> text(const Json& kwargs, const char* key) {
  const Json* value = given(kwargs, key);
  if (!value) {
    return std::nullopt;
  }
  return value->is_string() ? value->get<std::string>() : util::python_str(*value);
}

std::optional<std::vector<std::string>> text_list(const Json& kwargs, const char* key) {
  const Json* value = given(kwargs, key);
  if (!value) {
    return std::nullopt;
  }
  if (!value->is_array()) {
    throw ConfigurationError(std::string(key) + " must be a list of strings");
  }
  std::vector<std::string> out;
  for (const Json& item : *value) {
    out.push_back(item.is_string() ? item.get<std::string>() : util::python_str(item));
  }
  return out;
}

bool flag(const Json& kwargs, const char* key) {
  const Json* value = given(kwargs, key);
  return value && util::python_truthy(*value);
}

std::optional<int> fd(const Json& kwargs, const char* key) {
  const Json* value = given(kwargs, key);
  if (!value) {
    return std::nullopt;
  }
  if (!value->is_number_integer()) {
    throw ConfigurationError(std::string(key) + " must be a file descriptor");
  }
  return value->get<int>();
}

} // namespace

CommandOptions command_options_from_json(const Json& kwargs) {
  CommandOptions o;
  if (auto mode = text(kwargs, "runner_mode")) {
    if (*mode == "pexpect") {
      o.runner_mode = RunnerMode::pexpect;
    } else if (*mode == "subprocess") {
      o.runner_mode = RunnerMode::subprocess;
    } else {
      throw ConfigurationError("Invalid runner mode " + *mode + ", valid value is either 'pexpect' or 'subprocess'");
    }
  }
  o.private_data_dir = text(kwargs, "private_data_dir");
  o.host_cwd = text(kwargs, "host_cwd");
  if (const Json* v = given(kwargs, "envvars")) {
    o.envvars = *v;
  }
  if (const Json* v = given(kwargs, "passwords")) {
    o.passwords = *v;
  }
  if (const Json* v = given(kwargs, "settings")) {
    o.settings = *v;
  }
  o.project_dir = text(kwargs, "project_dir");
  o.artifact_dir = text(kwargs, "artifact_dir");
  if (auto type = text(kwargs, "fact_cache_type")) {
    o.fact_cache_type = *type;
  }
  o.fact_cache = text(kwargs, "fact_cache");
  o.ident = text(kwargs, "ident");
  if (const Json* v = given(kwargs, "rotate_artifacts"); v && v->is_number()) {
    o.rotate_artifacts = v->get<int>();
  }
  if (const Json* v = given(kwargs, "timeout"); v && v->is_number()) {
    o.timeout = v->get<double>();
  }
  o.ssh_key = text(kwargs, "ssh_key");
  o.quiet = flag(kwargs, "quiet");
  o.json_mode = flag(kwargs, "json_mode");
  o.check_job_event_data = flag(kwargs, "check_job_event_data");
  o.suppress_env_files = flag(kwargs, "suppress_env_files");
  o.process_isolation = flag(kwargs, "process_isolation");
  o.process_isolation_executable = text(kwargs, "process_isolation_executable");
  o.container_image = text(kwargs, "container_image");
  o.container_volume_mounts = text_list(kwargs, "container_volume_mounts");
  o.container_options = text_list(kwargs, "container_options");
  o.container_workdir = text(kwargs, "container_workdir");
  if (const Json* v = given(kwargs, "container_auth_data")) {
    o.container_auth_data = *v;
  }
  o.input_fd = fd(kwargs, "input_fd");
  o.output_fd = fd(kwargs, "output_fd");
  o.error_fd = fd(kwargs, "error_fd");
  return o;
}

} // namespace ansible_runner::python
