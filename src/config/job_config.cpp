// prepare(): RunOptions + private data dir -> JobConfig, in the order of the reference's
// RunnerConfig (__init__, prepare_env, prepare_inventory, prepare_command, command wrapping).
#include "config/job_config.hpp"

#include <filesystem>

#include <ansible_runner/errors.hpp>

#include "config/ansible_command.hpp"
#include "config/callback_dir.hpp"
#include "config/container.hpp"
#include "config/env_loader.hpp"
#include "config/environment.hpp"
#include "config/generated_file.hpp"
#include "config/isolation_probe.hpp"
#include "config/job_container.hpp"
#include "config/job_debug_log.hpp"
#include "config/nul_fields.hpp"
#include "config/role.hpp"
#include "config/sandbox.hpp"
#include "config/settings.hpp"
#include "config/ssh_agent.hpp"
#include "util/excerpt.hpp"
#include "util/fs.hpp"
#include "util/ids.hpp"
#include "util/pypath.hpp"
#include "util/python_json.hpp"
#include "util/python_repr.hpp"
#include "util/temp_dir.hpp"

namespace ansible_runner::config {

namespace {

// Everything prepare() works out before building the command; filled step by step.
struct Resolved {
  std::string pdd;
  std::optional<std::string> playbook;
  std::optional<Json> inventory;
  std::optional<Json> envvars;
  bool process_isolation = false;
  std::string isolation_executable;
  bool role_mode = false;
  SandboxSpec sandbox;                                // filled as far as the settings go
  std::optional<std::string> directory_isolation_copy;
};

void make_dirs_or_throw(const std::string& path) {
  try {
    util::make_dirs(path, 0700);
  } catch (const ConfigurationError&) {
    throw;
  } catch (const Error& e) {
    throw ConfigurationError(e.what());
  }
}

// Plays given as JSON (a mapping is one play) become <pdd>/project/main.json, as the
// reference's dump_artifacts does; a string is a path relative to the project dir.
std::optional<std::string> resolve_playbook(const std::optional<Json>& playbook, const std::string& pdd) {
  if (!playbook || playbook->is_null()) {
    return std::nullopt;
  }
  if (playbook->is_string()) {
    return playbook->get<std::string>();
  }
  if (playbook->is_object() || playbook->is_array()) {
    Json plays = playbook->is_object() ? Json::array({*playbook}) : *playbook;
    return write_generated_file(util::path_join(pdd, "project"), "main.json", util::python_dumps(plays));
  }
  throw ConfigurationError("playbook: must be a path or a list of plays, got " + util::excerpt(util::python_dumps(*playbook)));
}

// Role mode (API): a generated playbook in the project dir, removed after the run, and
// ANSIBLE_ROLES_PATH=<roles_path>:<pdd>/roles beneath the env/envvars file.
void apply_role(const RunOptions& o, const std::string& project_dir, Resolved& r, JobConfig& job) {
  Json plays = role_playbook(*o.role, o.role_vars, o.hosts.value_or("all"), o.role_skip_facts);
  bool project_existed = util::exists(project_dir);
  std::string path = write_generated_file(project_dir, util::uuid4_hex(), util::python_dumps(plays));
  job.cleanup_paths.push_back(project_existed ? path : project_dir);
  r.playbook = util::py_abspath(path);
  Json envvars = r.envvars && r.envvars->is_object() ? *r.envvars : Json::object();
  envvars["ANSIBLE_ROLES_PATH"] = role_mode_roles_path(o.roles_path, r.pdd);
  r.envvars = envvars;
}

// inventory: a mapping is written to <pdd>/inventory/hosts.json; an existing path is made
// absolute (upstream main; 2.3.1 passes it unchanged although Ansible then resolves it against
// the project dir); without one, <pdd>/inventory is used when it exists.
std::optional<Json> resolve_inventory(const std::optional<Json>& inventory, const std::string& pdd, bool containerized) {
  if (containerized) {
    return Json("/runner/inventory/hosts");
  }
  if (!inventory || inventory->is_null()) {
    std::string dir = util::path_join(pdd, "inventory");
    return util::exists(dir) ? std::optional<Json>(Json(dir)) : std::nullopt;
  }
  if (inventory->is_object()) {
    return Json(write_generated_file(util::path_join(pdd, "inventory"), "hosts.json", util::python_dumps(*inventory)));
  }
  if (inventory->is_string()) {
    const auto& text = inventory->get_ref<const std::string&>();
    if (!text.empty() && util::exists(text)) {
      return Json(util::py_abspath(text));
    }
    return *inventory;
  }
  if (inventory->is_array()) {
    for (const auto& item : *inventory) {
      if (!item.is_string()) {
        throw ConfigurationError("inventory: list items must be strings, got " + util::excerpt(util::python_dumps(item)));
      }
    }
    return *inventory;
  }
  throw ConfigurationError("inventory: must be a path, INI text, a mapping or a list, got " +
                           util::excerpt(util::python_dumps(*inventory)));
}

// Copies the project into a fresh runner_di_* dir under the base path (symlinks kept). The
// reference's copytree onto the existing temp dir fails on Python >= 3.8; we copy into it.
std::string make_directory_isolation_copy(const std::string& base, const std::string& project_dir) {
  namespace fs = std::filesystem;
  std::string copy = util::make_temp_dir("runner_di_", base);
  if (util::exists(project_dir)) {
    std::error_code ec;
    fs::copy(project_dir, copy, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    if (ec) {
      throw ConfigurationError("cannot copy " + project_dir + " to " + copy + ": " + ec.message());
    }
  }
  return copy;
}

// Every option that becomes a path, an argument, an environment value or a setting, checked
// before anything is created (config/nul_fields.hpp).
void refuse_nul_options(const RunOptions& o) {
  config::refuse_nul("private_data_dir", std::optional<std::string>(o.private_data_dir));
  config::refuse_nul("ident", o.ident);
  config::refuse_nul("playbook", o.playbook);
  config::refuse_nul("module", o.module);
  config::refuse_nul("module_args", o.module_args);
  config::refuse_nul("host_pattern", o.host_pattern);
  config::refuse_nul("role", o.role);
  config::refuse_nul("roles_path", o.roles_path);
  config::refuse_nul("hosts", o.hosts);
  config::refuse_nul("binary", o.binary);
  config::refuse_nul("inventory", o.inventory);
  config::refuse_nul("envvars", o.envvars);
  config::refuse_nul("extravars", o.extravars);
  config::refuse_nul("settings", o.settings);
  config::refuse_nul("cmdline", o.cmdline);
  config::refuse_nul("limit", o.limit);
  config::refuse_nul("forks", o.forks);
  config::refuse_nul("tags", o.tags);
  config::refuse_nul("skip_tags", o.skip_tags);
  config::refuse_nul("artifact_dir", o.artifact_dir);
  config::refuse_nul("project_dir", o.project_dir);
  config::refuse_nul("fact_cache", std::optional<std::string>(o.fact_cache));
  config::refuse_nul("host_cwd", o.host_cwd);
  config::refuse_nul("process_isolation_executable", o.process_isolation_executable);
  config::refuse_nul("process_isolation_path", o.process_isolation_path);
  config::refuse_nul("process_isolation_hide_paths", o.process_isolation_hide_paths);
  config::refuse_nul("process_isolation_show_paths", o.process_isolation_show_paths);
  config::refuse_nul("process_isolation_ro_paths", o.process_isolation_ro_paths);
  config::refuse_nul("directory_isolation_base_path", o.directory_isolation_base_path);
  config::refuse_nul("container_image", o.container_image);
  config::refuse_nul("container_volume_mounts", o.container_volume_mounts);
  config::refuse_nul("container_options", o.container_options);
  config::refuse_nul("container_workdir", o.container_workdir);
}

// --- BaseConfig.__init__: paths, ident, artifact dir (created even if validation fails), then
// what the API's dump step materialises: plays, the role playbook.
void prepare_base(const RunOptions& o, JobConfig& job, Resolved& r) {
  r.pdd = util::py_abspath(o.private_data_dir);
  if (o.private_data_dir.empty() || !util::py_isdir(r.pdd)) {
    throw ConfigurationError("private_data_dir path is either invalid or does not exist");
  }
  job.private_data_dir = r.pdd;
  job.ident = o.ident ? *o.ident : util::uuid4();
  std::string artifact_root = o.artifact_dir ? util::py_abspath(*o.artifact_dir) : util::path_join(r.pdd, "artifacts");
  job.artifact_dir = util::path_join(artifact_root, job.ident);
  job.project_dir = o.project_dir && !o.project_dir->empty() ? *o.project_dir : util::path_join(r.pdd, "project");
  job.fact_cache_type = o.fact_cache_type;
  if (o.fact_cache_type == "jsonfile") {
    job.fact_cache_dir = util::path_join(job.artifact_dir, o.fact_cache.empty() ? "fact_cache" : o.fact_cache);
  }
  job.json_mode = o.json_mode;
  job.check_job_event_data = o.check_job_event_data;
  job.rotate_artifacts = o.rotate_artifacts;
  make_dirs_or_throw(job.artifact_dir);

  if (o.module && !o.module->empty() && o.playbook && util::python_truthy(*o.playbook)) {
    throw ConfigurationError("Only one of playbook and module options are allowed");
  }
  r.envvars = o.envvars;
  r.playbook = resolve_playbook(o.playbook, r.pdd);
  r.role_mode = o.role && !o.role->empty();
  if (r.role_mode) {
    apply_role(o, job.project_dir, r, job);
  }
}

// --- RunnerConfig.prepare_env, its settings half: passwords, timeouts, isolation (probed),
// the ssh key, output suppression, the fact cache.
void prepare_settings(const RunOptions& o, EnvLoader& loader, const Settings& settings, JobConfig& job, Resolved& r) {
  job.settings = settings.values();
  Json passwords = merge_mappings(o.passwords, loader.load_mapping("env/passwords"));
  job.passwords = password_prompts(passwords);
  job.pexpect_timeout = settings.timer("pexpect_timeout").value_or(5);
  job.idle_timeout = nonzero(settings.timer("idle_timeout"));
  std::optional<double> timeout = timeout_kwarg(o.timeout);
  job.job_timeout = timeout ? timeout : nonzero(settings.timer("job_timeout"));

  r.process_isolation = settings.flag("process_isolation", o.process_isolation);
  r.isolation_executable = settings.string("process_isolation_executable", o.process_isolation_executable)
                               .value_or("podman");
  if (r.isolation_executable.empty()) {
    r.isolation_executable = "podman";
  }
  job.containerized = r.process_isolation && (r.isolation_executable == "podman" || r.isolation_executable == "docker");
  job.sandboxed = r.process_isolation && !job.containerized;
  if (r.process_isolation) {
    job.process_isolation_executable = r.isolation_executable;
  }
  // Like the reference's run(), only the kwarg is probed (with the kwarg's executable): with
  // process_isolation from env/settings a missing executable ends the job with rc 127 instead.
  if (o.process_isolation) {
    std::string probed = o.process_isolation_executable.value_or("podman");
    if (!isolation_executable_available(probed)) {
      throw ConfigurationError(isolation_executable_missing_message(probed));
    }
  }
  if (job.containerized) {
    job.container_name = container_name_for(job.ident);
  }

  // ssh key: the kwarg wins; env/ssh_key is read only when the kwarg is unset.
  std::optional<std::string> ssh_key = o.ssh_key ? o.ssh_key : loader.load_text("env/ssh_key");
  if (ssh_key && !ssh_key->empty()) {
    job.ssh_key = ssh_key;
    job.ssh_key_fifo = util::path_join(job.artifact_dir, "ssh_key_data");
  }

  // The reference ignores the suppress_* kwargs (settings decide); we use them as defaults.
  job.suppress_output_file = settings.flag("suppress_output_file", o.suppress_output_file);
  job.suppress_ansible_output = settings.flag("suppress_ansible_output", o.quiet || o.suppress_ansible_output);

  if (settings.has("fact_cache")) {
    auto name = settings.value("fact_cache", std::nullopt);
    bool honoured = !settings.has("fact_cache_type") ||
                    settings.value("fact_cache_type", std::nullopt) == Json("jsonfile");
    if (honoured) {
      job.fact_cache_dir = util::path_join(job.artifact_dir, util::python_str(*name));
    }
  }
}

// --- RunnerConfig.prepare_env, its environment half: the job's environment, cwd, roles path,
// event filters, and the project copy of directory isolation.
void prepare_environment(const RunOptions& o, EnvLoader& loader, const Settings& settings, JobConfig& job,
                         Resolved& r) {
  if (job.containerized) {
    copy_callback_plugin_into(job.artifact_dir);
  }
  EnvironmentInputs env_in;
  env_in.containerized = job.containerized;
  env_in.isolation_executable = r.isolation_executable;
  env_in.ident = job.ident;
  env_in.artifact_dir = job.artifact_dir;
  env_in.fact_cache_type = job.fact_cache_type;
  env_in.fact_cache_dir = job.fact_cache_dir;
  env_in.envvars = r.envvars;
  env_in.envvars_file = loader.load_mapping("env/envvars");
  env_in.callback_dir = job.containerized ? "" : callback_plugin_dir();
  env_in.adhoc = !o.binary && o.module;
  job.env = build_environment(env_in);

  r.sandbox.executable = r.isolation_executable;
  r.sandbox.isolation_path = settings.string("process_isolation_path", o.process_isolation_path);
  r.sandbox.private_data_dir = r.pdd;
  r.sandbox.hide_paths = settings.string_list("process_isolation_hide_paths", o.process_isolation_hide_paths)
                             .value_or(std::vector<std::string>{});
  r.sandbox.show_paths = settings.string_list("process_isolation_show_paths", o.process_isolation_show_paths)
                             .value_or(std::vector<std::string>{});
  r.sandbox.ro_paths = settings.string_list("process_isolation_ro_paths", o.process_isolation_ro_paths)
                           .value_or(std::vector<std::string>{});
  std::optional<std::string> isolation_base =
      settings.string("directory_isolation_base_path", o.directory_isolation_base_path);
  bool isolation_cleanup = settings.flag("directory_isolation_cleanup", true);
  // Directory isolation only exists for the sandbox. The reference also runs in (and later
  // deletes!) the base path without one; we ignore the setting there.
  bool directory_isolation = job.sandboxed && isolation_base;

  if (job.env.contains("AD_HOC_COMMAND_ID") || !util::exists(job.project_dir)) {
    job.cwd = r.pdd;
  } else {
    job.cwd = directory_isolation ? *isolation_base : job.project_dir;
  }
  if (!r.role_mode && o.roles_path && util::python_truthy(*o.roles_path)) {
    std::string roles;
    if (o.roles_path->is_array()) {
      for (const auto& item : *o.roles_path) {
        roles += (roles.empty() ? "" : ":") + util::python_str(item);
      }
    } else {
      roles = util::python_str(*o.roles_path);
    }
    job.env["ANSIBLE_ROLES_PATH"] = roles;
  }
  job.env["RUNNER_OMIT_EVENTS"] = o.omit_event_data ? "True" : "False";
  job.env["RUNNER_ONLY_FAILED_EVENTS"] = o.only_failed_event_data ? "True" : "False";

  if (directory_isolation) {
    r.directory_isolation_copy = make_directory_isolation_copy(*isolation_base, job.project_dir);
    if (isolation_cleanup) {
      job.cleanup_paths.push_back(*r.directory_isolation_copy);
    }
  }
}

// --- prepare_inventory + prepare_command: the ansible-playbook or ansible command line.
ExecutionMode prepare_command(const RunOptions& o, EnvLoader& loader, JobConfig& job, const Resolved& r) {
  CommandInputs cmd_in;
  cmd_in.binary = o.binary;
  cmd_in.module = o.module;
  cmd_in.module_args = o.module_args;
  cmd_in.host_pattern = o.host_pattern;
  cmd_in.playbook = r.playbook;
  cmd_in.cmdline = o.cmdline;
  cmd_in.inventory = resolve_inventory(o.inventory, r.pdd, job.containerized);
  cmd_in.limit = o.limit;
  cmd_in.containerized = job.containerized;
  cmd_in.extravars = o.extravars;
  cmd_in.verbosity = o.verbosity;
  cmd_in.tags = o.tags;
  cmd_in.skip_tags = o.skip_tags;
  cmd_in.forks = o.forks;
  AnsibleCommand command = build_ansible_command(cmd_in, loader);
  if (command.mode == ExecutionMode::ansible_playbook && !r.playbook) {
    throw ConfigurationError("Runner playbook required when running ansible-playbook");
  }
  job.command = command.argv;
  return command.mode;
}

// --- The command's wrapping, innermost first: ssh-agent, then the sandbox or the container.
void wrap_command(const RunOptions& o, const Settings& settings, ExecutionMode mode, JobConfig& job, Resolved& r) {
  if (job.ssh_key) {
    std::string fifo = job.containerized ? "/runner/artifacts/" + job.ident + "/ssh_key_data" : job.ssh_key_fifo;
    job.command = wrap_with_ssh_agent(job.command, fifo);
  }
  if (job.sandboxed) {
    SandboxSpec& spec = r.sandbox;
    // The plugin dir the environment points at: the last ANSIBLE_CALLBACK_PLUGINS entry.
    std::string plugins = job.env.value("ANSIBLE_CALLBACK_PLUGINS", std::string());
    spec.plugin_dir = plugins.substr(plugins.rfind(':') + 1);
    if (r.directory_isolation_copy) {
      // The sandbox changes into the project copy, so it must be visible there (the
      // reference never gets this far: its copytree fails on the dir it just made).
      spec.show_paths.push_back(*r.directory_isolation_copy);
    }
    if (mode == ExecutionMode::ansible_playbook) {
      spec.chdir = r.directory_isolation_copy.value_or(job.project_dir);
    } else if (mode == ExecutionMode::ansible) {
      spec.chdir = r.pdd;
    }
    Sandbox sandbox = wrap_for_sandbox(spec, job.command);
    job.command = std::move(sandbox.command);
    job.cleanup_paths.push_back(sandbox.temp_dir);
  }
  job.spawn_cwd = job.cwd;
  if (job.containerized) {
    put_job_in_container(job_container_spec(container_kwargs(o), settings, job), job);
  } else {
    job.spawn_env = job.env;
  }
}

} // namespace

JobConfig prepare(const RunOptions& o) {
  refuse_nul_options(o);
  JobConfig job;
  Resolved r;
  prepare_base(o, job, r);
  EnvLoader loader(r.pdd);
  Settings settings(merge_mappings(o.settings, loader.load_mapping("env/settings")));
  prepare_settings(o, loader, settings, job, r);
  prepare_environment(o, loader, settings, job, r);
  ExecutionMode mode = prepare_command(o, loader, job, r);
  wrap_command(o, settings, mode, job, r);
  log_job_summary(job);
  return job;
}

} // namespace ansible_runner::config
