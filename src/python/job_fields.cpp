#include "python/job_fields.hpp"

#include <ansible_runner/errors.hpp>

#include "util/timer_value.hpp"

namespace ansible_runner::python {
namespace {

template <typename T>
Json optional_json(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

// Reads fields[key] into `out` when present and not null.
class FieldReader {
public:
  explicit FieldReader(const Json& fields) : m_fields(fields) {}

  template <typename T>
  void read(const char* key, T& out) const {
    if (const Json* value = find(key)) {
      out = convert<T>(key, *value);
    }
  }
  template <typename T>
  void read(const char* key, std::optional<T>& out) const {
    if (const Json* value = find(key)) {
      out = convert<T>(key, *value);
    }
  }

private:
  const Json* find(const char* key) const {
    auto it = m_fields.find(key);
    return it == m_fields.end() || it->is_null() ? nullptr : &*it;
  }
  template <typename T>
  static T convert(const char* key, const Json& value) {
    try {
      if constexpr (std::is_same_v<T, Json>) {
        return value;
      } else if constexpr (std::is_same_v<T, double>) {
        if (value.is_boolean()) {
          return value.get<bool>() ? 1 : 0;
        }
        return value.get<double>();
      } else if constexpr (std::is_same_v<T, bool>) {
        return value.is_boolean() ? value.get<bool>() : !(value.is_number() && value.get<double>() == 0);
      } else {
        return value.get<T>();
      }
    } catch (const Json::exception&) {
      throw ConfigurationError(std::string("runner config field ") + key + " has the wrong type: " + value.dump());
    }
  }

  const Json& m_fields;
};

} // namespace

config::JobConfig job_from_json(const Json& fields) {
  if (!fields.is_object()) {
    throw ConfigurationError("runner config fields must be a mapping");
  }
  config::JobConfig job;
  FieldReader in(fields);
  in.read("private_data_dir", job.private_data_dir);
  in.read("ident", job.ident);
  in.read("artifact_dir", job.artifact_dir);
  in.read("project_dir", job.project_dir);
  in.read("command", job.command);
  in.read("cwd", job.cwd);
  in.read("env", job.env);
  in.read("spawn_cwd", job.spawn_cwd);
  in.read("spawn_env", job.spawn_env);
  in.read("env_list", job.env_list);
  in.read("job_timeout", job.job_timeout);
  in.read("idle_timeout", job.idle_timeout);
  in.read("pexpect_timeout", job.pexpect_timeout);
  for (auto [name, seconds] : {std::pair{"job_timeout", job.job_timeout}, std::pair{"idle_timeout", job.idle_timeout},
                                std::pair{"pexpect_timeout", std::optional<double>(job.pexpect_timeout)}}) {
    if (seconds) {
      util::checked_timer_seconds(*seconds, name);
    }
  }
  in.read("suppress_output_file", job.suppress_output_file);
  in.read("suppress_ansible_output", job.suppress_ansible_output);
  in.read("json_mode", job.json_mode);
  in.read("check_job_event_data", job.check_job_event_data);
  in.read("rotate_artifacts", job.rotate_artifacts);
  Json passwords = Json::array();
  in.read("passwords", passwords);
  for (const Json& pair : passwords) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string()) {
      throw ConfigurationError("runner config field passwords must hold [pattern, answer] pairs");
    }
    config::PasswordPrompt prompt{pair[0].get<std::string>(), std::nullopt};
    if (!pair[1].is_null()) {
      prompt.answer = pair[1].is_string() ? pair[1].get<std::string>() : pair[1].dump();
    }
    job.passwords.push_back(std::move(prompt));
  }
  in.read("ssh_key", job.ssh_key);
  in.read("ssh_key_fifo", job.ssh_key_fifo);
  in.read("fact_cache_type", job.fact_cache_type);
  in.read("fact_cache_dir", job.fact_cache_dir);
  in.read("containerized", job.containerized);
  in.read("sandboxed", job.sandboxed);
  in.read("container_name", job.container_name);
  in.read("process_isolation_executable", job.process_isolation_executable);
  in.read("settings", job.settings);
  in.read("cleanup_paths", job.cleanup_paths);
  if (job.spawn_cwd.empty() || !job.containerized) {
    job.spawn_cwd = job.cwd;
  }
  if (job.spawn_env.empty() || !job.containerized) {
    job.spawn_env = job.env;
  }
  return job;
}

Json result_to_json(const RunResult& result) {
  return Json{
      {"status", result.status},
      {"rc", optional_json(result.rc)},
      {"canceled", result.canceled},
      {"timed_out", result.timed_out},
      {"errored", result.errored},
      {"ident", result.ident},
      {"artifact_dir", result.artifact_dir},
      {"command", result.command},
      {"cwd", result.cwd},
      {"env", result.env},
      {"private_data_dir", result.private_data_dir},
      {"fact_cache_type", result.fact_cache_type},
      {"fact_cache_dir", optional_json(result.fact_cache_dir)},
  };
}

} // namespace ansible_runner::python
