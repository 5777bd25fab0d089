// prepare_command_job(): CommandOptions -> JobConfig, in the order of the reference's
// BaseConfig.__init__, _prepare_env and _handle_command_wrap.
#include "config/command_config.hpp"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

#include "config/callback_dir.hpp"
#include "config/env_loader.hpp"
#include "config/environment.hpp"
#include "config/settings.hpp"
#include "config/ssh_agent.hpp"
#include "config/temp_dir.hpp"
#include "util/fs.hpp"
#include "util/ids.hpp"
#include "util/pypath.hpp"
#include "util/python_repr.hpp"

namespace ansible_runner::config {

namespace {

constexpr const char* k_auto_create_prefix = ".ansible-runner-";

// The reference reads these files inside try/except ConfigurationError and carries on
// without them.
std::optional<Json> load_mapping_or_none(EnvLoader& loader, const char* path) {
  try {
    return loader.load_mapping(path);
  } catch (const ConfigurationError&) {
    return std::nullopt;
  }
}

std::optional<std::string> load_text_or_none(EnvLoader& loader, const char* path) {
  try {
    return loader.load_text(path);
  } catch (const ConfigurationError&) {
    return std::nullopt;
  }
}

std::string make_private_data_dir(const std::optional<std::string>& given) {
  if (!given || given->empty()) {
    return make_temp_dir_in(std::nullopt, k_auto_create_prefix);
  }
  std::string pdd = util::py_abspath(*given);
  try {
    util::make_dirs(pdd, 0700);
  } catch (const Error& e) {
    throw ConfigurationError(e.what());
  }
  if (!util::py_isdir(pdd)) {
    throw ConfigurationError("private_data_dir path is either invalid or does not exist");
  }
  return pdd;
}

std::vector<PasswordPrompt> password_prompts(const Json& passwords) {
  std::vector<PasswordPrompt> prompts;
  for (const auto& [pattern, answer] : passwords.items()) {
    PasswordPrompt prompt{pattern, std::nullopt};
    if (!answer.is_null()) {
      prompt.answer = util::python_str(answer);
    }
    prompts.push_back(std::move(prompt));
  }
  return prompts;
}

std::optional<double> truthy_number(std::optional<double> value) {
  return value && *value != 0 ? value : std::nullopt;
}

void make_ssh_key_fifo(const std::string& path) {
  ::unlink(path.c_str()); // a FIFO left by an earlier run with the same ident
  if (::mkfifo(path.c_str(), 0600) != 0) {
    throw ConfigurationError("cannot create the ssh key FIFO " + path + ": " + std::strerror(errno));
  }
}

} // namespace

CommandJob prepare_command_job(const CommandOptions& o, std::vector<std::string> command, RunnerMode mode) {
  CommandJob out;
  out.mode = mode;
  JobConfig& job = out.job;

  // --- BaseConfig.__init__
  job.private_data_dir = make_private_data_dir(o.private_data_dir);
  std::string artifact_root = o.artifact_dir ? util::py_abspath(*o.artifact_dir)
                                             : util::path_join(job.private_data_dir, "artifacts");
  job.ident = o.ident ? *o.ident : util::uuid4();
  job.artifact_dir = util::path_join(artifact_root, job.ident);
  job.project_dir = o.project_dir && !o.project_dir->empty() ? *o.project_dir
                                                             : util::path_join(job.private_data_dir, "project");
  job.rotate_artifacts = o.rotate_artifacts;
  job.fact_cache_type = o.fact_cache_type;
  if (o.fact_cache_type == "jsonfile") {
    job.fact_cache_dir = util::path_join(job.artifact_dir, o.fact_cache && !o.fact_cache->empty() ? *o.fact_cache
                                                                                                  : "fact_cache");
  }
  job.json_mode = o.json_mode;
  job.check_job_event_data = o.check_job_event_data;
  job.cwd = o.host_cwd && !o.host_cwd->empty() ? util::py_abspath(*o.host_cwd) : util::py_abspath(".");
  try {
    util::make_dirs(job.artifact_dir, 0700);
  } catch (const Error& e) {
    throw ConfigurationError(e.what());
  }

  // --- _prepare_env
  EnvLoader loader(job.private_data_dir);
  Json merged_settings = Json::object();
  try {
    merged_settings = merge_mappings(o.settings, loader.load_mapping("env/settings"));
  } catch (const ConfigurationError&) {
    // The reference drops all settings, the kwarg's too, when env/settings is unreadable.
  }
  Settings settings(merged_settings);
  job.settings = settings.values();

  if (mode == RunnerMode::pexpect) {
    job.passwords = password_prompts(merge_mappings(o.passwords, load_mapping_or_none(loader, "env/passwords")));
    job.pexpect_timeout = settings.number("pexpect_timeout").value_or(5);
    job.idle_timeout = truthy_number(settings.number("idle_timeout"));
    job.job_timeout = o.timeout && *o.timeout != 0 ? std::optional<double>(static_cast<double>(static_cast<long long>(*o.timeout)))
                                                   : truthy_number(settings.number("job_timeout"));
  } else {
    out.subprocess_timeout = o.timeout && *o.timeout != 0
                                 ? std::optional<double>(static_cast<double>(static_cast<long long>(*o.timeout)))
                                 : truthy_number(settings.number("subprocess_timeout"));
  }

  bool process_isolation = settings.flag("process_isolation", o.process_isolation);
  std::string executable = settings.string("process_isolation_executable", o.process_isolation_executable)
                               .value_or("podman");
  if (process_isolation && (executable == "podman" || executable == "docker")) {
    // The reference wraps helper commands in `<engine> run` with extra mounts; not done yet.
    throw ConfigurationError("process isolation with a container engine (" + executable +
                             ") is not supported for command helpers yet");
  }

  EnvironmentInputs env_in;
  env_in.ident = job.ident;
  env_in.artifact_dir = job.artifact_dir;
  env_in.fact_cache_type = job.fact_cache_type;
  env_in.envvars = o.envvars;
  env_in.envvars_file = load_mapping_or_none(loader, "env/envvars");
  env_in.callback_dir = callback_plugin_dir();

  std::optional<std::string> ssh_key = o.ssh_key ? o.ssh_key : load_text_or_none(loader, "env/ssh_key");
  if (ssh_key && !ssh_key->empty()) {
    job.ssh_key = ssh_key;
    job.ssh_key_fifo = util::path_join(job.artifact_dir, "ssh_key_data");
    make_ssh_key_fifo(job.ssh_key_fifo);
  }
  job.suppress_output_file = settings.flag("suppress_output_file", false);
  job.suppress_ansible_output = settings.flag("suppress_ansible_output", o.quiet);

  if (settings.has("fact_cache")) {
    bool honoured = !settings.has("fact_cache_type") ||
                    settings.value("fact_cache_type", std::nullopt) == Json("jsonfile");
    if (honoured) {
      job.fact_cache_dir = util::path_join(job.artifact_dir, util::python_str(*settings.value("fact_cache", std::nullopt)));
    }
  }
  env_in.fact_cache_dir = job.fact_cache_dir;
  job.env = build_environment(env_in);

  // --- the command and its ssh-agent wrapping
  job.command = std::move(command);
  if (job.ssh_key) {
    job.command = wrap_with_ssh_agent(job.command, job.ssh_key_fifo);
  }
  job.spawn_cwd = job.cwd;
  job.spawn_env = job.env;
  return out;
}

} // namespace ansible_runner::config
