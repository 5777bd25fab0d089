// prepare_command_job(): CommandOptions -> JobConfig, in the order of the reference's
// BaseConfig.__init__, _prepare_env and _handle_command_wrap.
#include "config/command_config.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

#include "config/callback_dir.hpp"
#include "config/env_loader.hpp"
#include "config/environment.hpp"
#include "config/job_container.hpp"
#include "config/nul_fields.hpp"
#include "config/settings.hpp"
#include "config/ssh_agent.hpp"
#include "util/fs.hpp"
#include "util/ids.hpp"
#include "util/pypath.hpp"
#include "util/python_repr.hpp"
#include "util/temp_dir.hpp"

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
    return util::make_temp_dir(k_auto_create_prefix);
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

// The container around a helper; the engine runs where we are, with our environment plus
// the job's, as for run() (docs/execution.md 9).
void wrap_in_container(const CommandOptions& o, const Settings& settings, const CommandLine& command, RunnerMode mode,
                       JobConfig& job) {
  ContainerSpec spec = job_container_spec(container_kwargs(o), settings, job);
  spec.tty = mode == RunnerMode::pexpect || o.input_fd.has_value();
  spec.helper = HelperContainer{command.ansible_command,
                                std::vector<std::string>(command.argv.begin() + (command.argv.empty() ? 0 : 1),
                                                         command.argv.end())};
  put_job_in_container(spec, job);
}

// Before anything is created: a NUL would be cut at by the kernel (config/nul_fields.hpp).
void refuse_nul_options(const CommandOptions& o, const CommandLine& command) {
  refuse_nul("the command", std::optional<std::vector<std::string>>(command.argv));
  refuse_nul("private_data_dir", o.private_data_dir);
  refuse_nul("host_cwd", o.host_cwd);
  refuse_nul("envvars", o.envvars);
  refuse_nul("settings", o.settings);
  refuse_nul("project_dir", o.project_dir);
  refuse_nul("artifact_dir", o.artifact_dir);
  refuse_nul("fact_cache", o.fact_cache);
  refuse_nul("ident", o.ident);
  refuse_nul("process_isolation_executable", o.process_isolation_executable);
  refuse_nul("container_image", o.container_image);
  refuse_nul("container_volume_mounts", o.container_volume_mounts);
  refuse_nul("container_options", o.container_options);
  refuse_nul("container_workdir", o.container_workdir);
}

// --- BaseConfig.__init__: the private data dir (made when missing), ident, artifact dir, cwd.
void prepare_base(const CommandOptions& o, JobConfig& job) {
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
}

// --- _prepare_env, its settings half: timeouts and passwords by mode, isolation, the ssh key,
// output suppression, the fact cache. Returns the isolation executable.
std::string prepare_settings(const CommandOptions& o, EnvLoader& loader, const Settings& settings, CommandJob& out) {
  JobConfig& job = out.job;
  job.settings = settings.values();
  // int(timeout) when truthy, else the mode's setting.
  std::optional<double> timeout = timeout_kwarg(o.timeout);
  if (out.mode == RunnerMode::pexpect) {
    job.passwords = password_prompts(merge_mappings(o.passwords, load_mapping_or_none(loader, "env/passwords")));
    job.pexpect_timeout = settings.timer("pexpect_timeout").value_or(5);
    job.idle_timeout = nonzero(settings.timer("idle_timeout"));
    job.job_timeout = timeout ? timeout : nonzero(settings.timer("job_timeout"));
  } else {
    out.subprocess_timeout = timeout ? timeout : nonzero(settings.timer("subprocess_timeout"));
  }

  bool process_isolation = settings.flag("process_isolation", o.process_isolation);
  std::string executable = settings.string("process_isolation_executable", o.process_isolation_executable)
                               .value_or("podman");
  if (executable.empty()) {
    executable = "podman";
  }
  job.containerized = process_isolation && (executable == "podman" || executable == "docker");
  if (job.containerized) {
    job.process_isolation_executable = executable;
    job.container_name = container_name_for(job.ident);
    copy_callback_plugin_into(job.artifact_dir);
  }

  std::optional<std::string> ssh_key = o.ssh_key ? o.ssh_key : load_text_or_none(loader, "env/ssh_key");
  if (ssh_key && !ssh_key->empty()) {
    job.ssh_key = ssh_key;
    job.ssh_key_fifo = util::path_join(job.artifact_dir, "ssh_key_data"); // made by the runner
  }
  job.suppress_output_file = settings.flag("suppress_output_file", false);
  job.suppress_ansible_output = settings.flag("suppress_ansible_output", o.quiet);

  if (settings.has("fact_cache")) {
    bool honoured = !settings.has("fact_cache_type") ||
                    settings.value("fact_cache_type", std::nullopt) == Json("jsonfile");
    if (honoured) {
      std::string name = util::python_str(*settings.value("fact_cache", std::nullopt));
      job.fact_cache_dir = util::path_join(job.artifact_dir, name);
    }
  }
  return executable;
}

// --- _prepare_env, its environment half.
void prepare_environment(const CommandOptions& o, EnvLoader& loader, const std::string& executable, JobConfig& job) {
  EnvironmentInputs env_in;
  env_in.containerized = job.containerized;
  env_in.isolation_executable = executable;
  env_in.ident = job.ident;
  env_in.artifact_dir = job.artifact_dir;
  env_in.fact_cache_type = job.fact_cache_type;
  env_in.fact_cache_dir = job.fact_cache_dir;
  env_in.envvars = o.envvars;
  env_in.envvars_file = load_mapping_or_none(loader, "env/envvars");
  env_in.callback_dir = job.containerized ? "" : callback_plugin_dir();
  job.env = build_environment(env_in);
}

} // namespace

CommandJob prepare_command_job(const CommandOptions& o, const CommandLine& command, RunnerMode mode) {
  refuse_nul_options(o, command);
  CommandJob out;
  out.mode = mode;
  JobConfig& job = out.job;
  prepare_base(o, job);

  EnvLoader loader(job.private_data_dir);
  Json merged_settings = Json::object();
  try {
    merged_settings = merge_mappings(o.settings, loader.load_mapping("env/settings"));
  } catch (const ConfigurationError&) {
    // The reference drops all settings, the kwarg's too, when env/settings is unreadable.
  }
  Settings settings(merged_settings);
  std::string executable = prepare_settings(o, loader, settings, out);
  prepare_environment(o, loader, executable, job);

  // --- _handle_command_wrap: ssh-agent, then the container
  job.command = command.argv;
  if (job.ssh_key) {
    std::string fifo = job.containerized ? "/runner/artifacts/" + job.ident + "/ssh_key_data" : job.ssh_key_fifo;
    job.command = wrap_with_ssh_agent(job.command, fifo);
  }
  job.spawn_cwd = job.cwd;
  job.spawn_env = job.env;
  if (job.containerized) {
    wrap_in_container(o, settings, command, mode, job);
  }
  return out;
}

} // namespace ansible_runner::config
