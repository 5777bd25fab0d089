// options_from_kwargs: the run() keyword vocabulary of the reference 2.3.1 and upstream main.
#include "config/kwargs.hpp"

#include "config/settings.hpp"

#include <cmath>
#include <functional>
#include <limits>
#include <map>

#include <ansible_runner/errors.hpp>

#include "util/big_integer.hpp"
#include "util/excerpt.hpp"
#include "util/python_float.hpp"
#include "util/python_json.hpp"
#include "util/python_repr.hpp"

namespace ansible_runner::config {

namespace {

[[noreturn]] void bad_type(const std::string& key, const char* expected, const Json& got) {
  throw ConfigurationError("kwargs: '" + key + "' must be " + expected + ", got " + util::excerpt(util::python_dumps(got)));
}

std::optional<std::string> as_string(const std::string& key, const Json& v) {
  if (v.is_null()) {
    return std::nullopt;
  }
  if (!v.is_string()) {
    bad_type(key, "a string", v);
  }
  return v.get<std::string>();
}

// Values the reference formats with str()/format(): numbers are fine where a string is
// expected on the command line (forks from the API is an int, from the CLI a string).
std::optional<std::string> as_text(const std::string& key, const Json& v) {
  if (v.is_null()) {
    return std::nullopt;
  }
  if (v.is_string() || v.is_number() || util::big_integer_text(v)) {
    return util::python_str(v);
  }
  bad_type(key, "a string or a number", v);
}

std::optional<int> as_int(const std::string& key, const Json& v) {
  if (v.is_null()) {
    return std::nullopt;
  }
  if (v.is_boolean()) {
    return v.get<bool>() ? 1 : 0;
  }
  // Whole numbers outside int's range are refused: converting them would wrap or, for a
  // double, be undefined (found by fuzzing: {"verbosity": 1e300}).
  if (v.is_number_unsigned()) {
    if (v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int>::max())) {
      return static_cast<int>(v.get<uint64_t>());
    }
  } else if (v.is_number_integer()) {
    auto n = v.get<int64_t>();
    if (n >= std::numeric_limits<int>::min() && n <= std::numeric_limits<int>::max()) {
      return static_cast<int>(n);
    }
  } else if (v.is_number_float() && std::trunc(v.get<double>()) == v.get<double>() &&
             v.get<double>() >= std::numeric_limits<int>::min() && v.get<double>() <= std::numeric_limits<int>::max()) {
    return static_cast<int>(v.get<double>());
  }
  if (v.is_string()) {
    try {
      size_t used = 0;
      int value = std::stoi(v.get<std::string>(), &used);
      if (used == v.get<std::string>().size()) {
        return value;
      }
    } catch (const std::exception&) {
    }
  }
  bad_type(key, "an integer", v);
}

std::optional<double> as_number(const std::string& key, const Json& v) {
  if (v.is_null()) {
    return std::nullopt;
  }
  if (v.is_number()) {
    return v.get<double>();
  }
  if (auto digits = util::big_integer_text(v)) {
    return util::big_integer_as_double(*digits);
  }
  if (v.is_boolean()) {
    return v.get<bool>() ? 1 : 0;
  }
  if (v.is_string()) {
    if (std::optional<double> value = util::python_float(v.get_ref<const std::string&>())) {
      return value;
    }
  }
  bad_type(key, "a number", v);
}

std::optional<std::vector<std::string>> as_string_list(const std::string& key, const Json& v) {
  return string_list_value(v, "kwargs: '" + key + "'");
}

std::optional<Json> as_mapping(const std::string& key, const Json& v) {
  if (v.is_null()) {
    return std::nullopt;
  }
  if (!v.is_object()) {
    bad_type(key, "a mapping", v);
  }
  return v;
}

std::optional<Json> as_any(const Json& v) { return v.is_null() ? std::nullopt : std::optional<Json>(v); }

using Setter = std::function<void(RunOptions&, const std::string&, const Json&)>;

const std::map<std::string, Setter>& setters() {
  static const std::map<std::string, Setter> table = [] {
    std::map<std::string, Setter> t;
    auto ignore = [](RunOptions&, const std::string&, const Json&) {};
    // Keys with no meaning for a job description (handlers, streaming plumbing, logging) are
    // accepted and ignored, as init_runner pops them before building the config.
    for (const char* key : {"private_data_dir", "streamer", "_input", "_output", "only_transmit_kwargs",
                            "event_handler", "status_handler", "artifacts_handler", "cancel_callback",
                            "finished_callback", "debug", "logfile", "ignore_logging", "keepalive_seconds"}) {
      t[key] = ignore;
    }
    t["ident"] = [](RunOptions& o, const std::string& k, const Json& v) { o.ident = as_text(k, v); };
    t["playbook"] = [](RunOptions& o, const std::string&, const Json& v) { o.playbook = as_any(v); };
    t["module"] = [](RunOptions& o, const std::string& k, const Json& v) { o.module = as_string(k, v); };
    t["module_args"] = [](RunOptions& o, const std::string& k, const Json& v) { o.module_args = as_text(k, v); };
    t["host_pattern"] = [](RunOptions& o, const std::string& k, const Json& v) { o.host_pattern = as_string(k, v); };
    t["role"] = [](RunOptions& o, const std::string& k, const Json& v) { o.role = as_string(k, v); };
    t["role_vars"] = [](RunOptions& o, const std::string& k, const Json& v) { o.role_vars = as_mapping(k, v); };
    t["roles_path"] = [](RunOptions& o, const std::string& k, const Json& v) {
      if (!v.is_null() && !v.is_string() && !v.is_array()) {
        bad_type(k, "a string or a list of strings", v);
      }
      o.roles_path = as_any(v);
    };
    t["hosts"] = [](RunOptions& o, const std::string& k, const Json& v) { o.hosts = as_string(k, v); };
    t["role_skip_facts"] = [](RunOptions& o, const std::string&, const Json& v) { o.role_skip_facts = util::python_truthy(v); };
    t["binary"] = [](RunOptions& o, const std::string& k, const Json& v) { o.binary = as_string(k, v); };
    t["inventory"] = [](RunOptions& o, const std::string&, const Json& v) { o.inventory = as_any(v); };
    t["envvars"] = [](RunOptions& o, const std::string& k, const Json& v) { o.envvars = as_mapping(k, v); };
    t["extravars"] = [](RunOptions& o, const std::string& k, const Json& v) {
      if (!v.is_null() && !v.is_object() && !v.is_string()) {
        bad_type(k, "a mapping or a path", v);
      }
      o.extravars = as_any(v);
    };
    t["passwords"] = [](RunOptions& o, const std::string& k, const Json& v) { o.passwords = as_mapping(k, v); };
    t["settings"] = [](RunOptions& o, const std::string& k, const Json& v) { o.settings = as_mapping(k, v); };
    t["ssh_key"] = [](RunOptions& o, const std::string& k, const Json& v) { o.ssh_key = as_string(k, v); };
    t["cmdline"] = [](RunOptions& o, const std::string& k, const Json& v) { o.cmdline = as_string(k, v); };
    t["limit"] = [](RunOptions& o, const std::string& k, const Json& v) { o.limit = as_text(k, v); };
    // forks 0 from the API means "not set" (the reference tests its truthiness).
    t["forks"] = [](RunOptions& o, const std::string& k, const Json& v) {
      o.forks = util::python_truthy(v) ? as_text(k, v) : std::nullopt;
    };
    t["verbosity"] = [](RunOptions& o, const std::string& k, const Json& v) { o.verbosity = as_int(k, v); };
    t["tags"] = [](RunOptions& o, const std::string& k, const Json& v) { o.tags = as_text(k, v); };
    t["skip_tags"] = [](RunOptions& o, const std::string& k, const Json& v) { o.skip_tags = as_text(k, v); };
    t["json_mode"] = [](RunOptions& o, const std::string&, const Json& v) { o.json_mode = util::python_truthy(v); };
    t["quiet"] = [](RunOptions& o, const std::string&, const Json& v) { o.quiet = util::python_truthy(v); };
    t["artifact_dir"] = [](RunOptions& o, const std::string& k, const Json& v) { o.artifact_dir = as_string(k, v); };
    t["project_dir"] = [](RunOptions& o, const std::string& k, const Json& v) { o.project_dir = as_string(k, v); };
    t["rotate_artifacts"] = [](RunOptions& o, const std::string& k, const Json& v) {
      o.rotate_artifacts = as_int(k, v).value_or(0);
    };
    t["timeout"] = [](RunOptions& o, const std::string& k, const Json& v) { o.timeout = as_number(k, v); };
    t["suppress_env_files"] = [](RunOptions& o, const std::string&, const Json& v) {
      o.suppress_env_files = util::python_truthy(v);
    };
    t["suppress_output_file"] = [](RunOptions& o, const std::string&, const Json& v) {
      o.suppress_output_file = util::python_truthy(v);
    };
    t["suppress_ansible_output"] = [](RunOptions& o, const std::string&, const Json& v) {
      o.suppress_ansible_output = util::python_truthy(v);
    };
    // An explicit null is not "jsonfile" in the reference, so it disables the cache.
    t["fact_cache_type"] = [](RunOptions& o, const std::string& k, const Json& v) {
      o.fact_cache_type = as_string(k, v).value_or("");
    };
    t["fact_cache"] = [](RunOptions& o, const std::string& k, const Json& v) {
      o.fact_cache = as_string(k, v).value_or("fact_cache");
    };
    t["omit_event_data"] = [](RunOptions& o, const std::string&, const Json& v) { o.omit_event_data = util::python_truthy(v); };
    t["only_failed_event_data"] = [](RunOptions& o, const std::string&, const Json& v) {
      o.only_failed_event_data = util::python_truthy(v);
    };
    t["check_job_event_data"] = [](RunOptions& o, const std::string&, const Json& v) {
      o.check_job_event_data = util::python_truthy(v);
    };
    t["host_cwd"] = [](RunOptions& o, const std::string& k, const Json& v) { o.host_cwd = as_string(k, v); };
    t["process_isolation"] = [](RunOptions& o, const std::string&, const Json& v) {
      o.process_isolation = util::python_truthy(v);
    };
    t["process_isolation_executable"] = [](RunOptions& o, const std::string& k, const Json& v) {
      o.process_isolation_executable = as_string(k, v);
    };
    t["process_isolation_path"] = [](RunOptions& o, const std::string& k, const Json& v) {
      o.process_isolation_path = as_string(k, v);
    };
    t["process_isolation_hide_paths"] = [](RunOptions& o, const std::string& k, const Json& v) {
      o.process_isolation_hide_paths = as_string_list(k, v);
    };
    t["process_isolation_show_paths"] = [](RunOptions& o, const std::string& k, const Json& v) {
      o.process_isolation_show_paths = as_string_list(k, v);
    };
    t["process_isolation_ro_paths"] = [](RunOptions& o, const std::string& k, const Json& v) {
      o.process_isolation_ro_paths = as_string_list(k, v);
    };
    t["directory_isolation_base_path"] = [](RunOptions& o, const std::string& k, const Json& v) {
      o.directory_isolation_base_path = as_string(k, v);
    };
    t["container_image"] = [](RunOptions& o, const std::string& k, const Json& v) { o.container_image = as_string(k, v); };
    t["container_volume_mounts"] = [](RunOptions& o, const std::string& k, const Json& v) {
      o.container_volume_mounts = as_string_list(k, v);
    };
    t["container_options"] = [](RunOptions& o, const std::string& k, const Json& v) {
      o.container_options = as_string_list(k, v);
    };
    t["container_workdir"] = [](RunOptions& o, const std::string& k, const Json& v) { o.container_workdir = as_string(k, v); };
    t["container_auth_data"] = [](RunOptions& o, const std::string& k, const Json& v) {
      o.container_auth_data = as_mapping(k, v);
    };
    return t;
  }();
  return table;
}

} // namespace

RunOptions options_from_kwargs(const Json& kwargs, const std::string& private_data_dir) {
  if (!kwargs.is_object()) {
    throw ConfigurationError("kwargs: must be a mapping, got " + util::excerpt(util::python_dumps(kwargs)));
  }
  RunOptions options;
  for (const auto& [key, value] : kwargs.items()) {
    auto setter = setters().find(key);
    if (setter == setters().end()) {
      throw UnknownKwargError(key);
    }
    setter->second(options, key, value);
  }
  options.private_data_dir = private_data_dir;
  return options;
}

} // namespace ansible_runner::config
