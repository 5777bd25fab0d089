#include "cli/job_flags.hpp"

#include <cstdlib>

#include "config/generated_file.hpp"
#include "config/role.hpp"
#include "util/fs.hpp"
#include "util/ids.hpp"
#include "util/pypath.hpp"
#include "util/python_json.hpp"

namespace ansible_runner::cli {

std::optional<std::string> StringFlag::get() const {
  if (option && option->count() > 0) {
    return value;
  }
  if (env_default) {
    if (const char* env = std::getenv(env_default)) {
      return std::string(env);
    }
  }
  return std::nullopt;
}

std::optional<std::vector<std::string>> ListFlag::get() const {
  if (option && option->count() > 0) {
    return values;
  }
  return std::nullopt;
}

namespace {

constexpr const char* k_runner_group = "Ansible Runner Options";
constexpr const char* k_ansible_group = "Ansible Options";
constexpr const char* k_roles_group = "Ansible Role Options";
constexpr const char* k_module_group = "Ansible Module Options";
constexpr const char* k_container_group = "Ansible Container Options";
constexpr const char* k_isolation_group = "Ansible Runner Isolation Options";

void add_string(CLI::App& app, const std::string& names, StringFlag& flag, const std::string& help,
                const char* group, const char* metavar = nullptr) {
  flag.option = app.add_option(names, flag.value, help)->group(group);
  if (metavar) {
    flag.option->type_name(metavar);
  }
}

// action='append': one value per occurrence, all occurrences kept.
void add_append(CLI::App& app, const std::string& names, ListFlag& flag, const std::string& help, const char* group,
                const char* metavar) {
  flag.option = app.add_option(names, flag.values, help)
                    ->expected(1)
                    ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
                    ->type_name(metavar)
                    ->group(group);
}

// nargs='*': any number of values up to the next option.
void add_star(CLI::App& app, const std::string& names, ListFlag& flag, const std::string& help, const char* group) {
  flag.option = app.add_option(names, flag.values, help)
                    ->expected(0, CLI::detail::expected_max_vector_size)
                    ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
                    ->group(group);
}

void add_generic(CLI::App& app, JobFlags& flags) {
  app.add_flag("--version")->description("show the program's version number and exit");
  app.add_flag("--debug", flags.debug, "enable debug output logging");
  app.add_option("--logfile", flags.logfile, "log output messages to a file");
}

void add_isolation_group(CLI::App& app, JobFlags& f) {
  const char* g = k_isolation_group;
  app.add_flag("--process-isolation", f.process_isolation,
               "isolate execution with a container engine (podman, docker) or a sandbox (bwrap)")->group(g);
  app.add_option("--process-isolation-executable", f.process_isolation_executable,
                 "process isolation executable or container engine (default=podman)")->group(g);
  app.add_option("--process-isolation-path", f.process_isolation_path,
                 "where an isolated run stages its files (default=/tmp)")->group(g);
  add_star(app, "--process-isolation-hide-paths", f.hide_paths, "paths hidden from the isolated run", g);
  add_star(app, "--process-isolation-show-paths", f.show_paths, "paths exposed to the isolated run", g);
  add_star(app, "--process-isolation-ro-paths", f.ro_paths, "paths exposed read-only to the isolated run", g);
  add_string(app, "--directory-isolation-base-path", f.directory_isolation_base_path,
             "copy the project into a new directory under this path for the run", g);
}

void add_selector_group(CLI::App& app, JobFlags& f) {
  add_string(app, "-p,--playbook", f.playbook, "run a playbook from the project dir", k_runner_group);
  add_string(app, "-m,--module", f.module, "run an Ansible module directly (ad-hoc)", k_runner_group);
  add_string(app, "-r,--role", f.role, "run an Ansible role through a generated playbook", k_runner_group);
  f.playbook.option->excludes(f.module.option)->excludes(f.role.option);
  f.module.option->excludes(f.role.option);
}

void add_ansible_and_role_groups(CLI::App& app, JobFlags& f) {
  add_string(app, "--limit", f.limit, "Ansible's --limit host pattern", k_ansible_group);
  add_string(app, "--cmdline", f.cmdline, "extra command line arguments for Ansible (shell syntax)", k_ansible_group);
  add_string(app, "--hosts", f.hosts, "host pattern for -m, play hosts for -r", k_ansible_group);
  add_string(app, "--forks", f.forks, "Ansible's --forks", k_ansible_group);
  add_string(app, "--roles-path", f.roles_path, "where to find the role (ANSIBLE_ROLES_PATH)", k_roles_group);
  add_string(app, "--role-vars", f.role_vars, "role variables as 'key1=value1 key2=value2'", k_roles_group);
  app.add_flag("--role-skip-facts", f.role_skip_facts, "do not gather facts before the role")->group(k_roles_group);
  add_string(app, "-a,--args", f.module_args, "module arguments", k_module_group, "MODULE_ARGS");
  app.add_option("--container-image", f.container_image, "container image for isolated runs")->group(k_container_group);
  add_append(app, "--container-volume-mount", f.container_volume_mounts, "bind mount 'host_dir:/container_dir[:labels]'",
             k_container_group, "CONTAINER_VOLUME_MOUNTS");
  add_append(app, "--container-option", f.container_options, "extra container engine argument", k_container_group,
             "CONTAINER_OPTIONS");
}

std::string absolute_pdd(const JobFlags& flags) { return util::py_abspath(flags.private_data_dir); }

bool truthy(const std::optional<std::string>& value) { return value && !value->empty(); }

Json json_or_null(const std::optional<std::string>& value) { return value ? Json(*value) : Json(nullptr); }

Json json_or_null(const std::optional<std::vector<std::string>>& value) {
  return value ? Json(*value) : Json(nullptr);
}

} // namespace

void add_runner_group(CLI::App& app, JobFlags& f) {
  const char* g = k_runner_group;
  add_string(app, "-b,--binary", f.binary, "the executable to run instead of ansible/ansible-playbook", g);
  add_string(app, "-i,--ident", f.ident, "identifier of the run: the artifact sub-directory name", g);
  app.add_option("--rotate-artifacts", f.rotate_artifacts, "keep at most this many artifact dirs (0: all)")->group(g);
  add_string(app, "--artifact-dir", f.artifact_dir, "artifact root (default <private_data_dir>/artifacts)", g);
  add_string(app, "--project-dir", f.project_dir, "playbook dir (default <private_data_dir>/project)", g);
  add_string(app, "--inventory", f.inventory, "inventory path (default <private_data_dir>/inventory)", g);
  app.add_flag("-j,--json", f.json, "print event JSON instead of Ansible's text")->group(g);
  app.add_flag("--omit-event-data", f.omit_event_data, "drop event_data from events")->group(g);
  app.add_flag("--only-failed-event-data", f.only_failed_event_data, "keep event_data only for failed events")->group(g);
  app.add_flag("--omit-env-files", f.suppress_env_files, "do not write the env/ files")->group(g);
  app.add_flag("-q,--quiet", f.quiet, "do not print Ansible's output")->group(g);
  app.add_flag("-v", f.verbosity, "more Ansible verbosity (repeat up to 5 times)")->group(g);
}

void add_job_flags(CLI::App& sub, JobFlags& flags, bool with_isolation_group) {
  sub.add_option("private_data_dir", flags.private_data_dir,
                 "base directory of the job (project, inventory, env, artifacts)")->required();
  flags.has_isolation_group = with_isolation_group;
  if (with_isolation_group) {
    add_isolation_group(sub, flags);
  }
  add_generic(sub, flags);
  add_runner_group(sub, flags);
  add_selector_group(sub, flags);
  add_ansible_and_role_groups(sub, flags);
}

std::optional<std::string> resolve_inventory_flag(const JobFlags& flags) {
  auto given = flags.inventory.get();
  if (!given) {
    return std::nullopt;
  }
  if (!given->empty() && util::exists(*given)) {
    return util::py_abspath(*given);
  }
  std::string under = util::path_join(util::path_join(absolute_pdd(flags), "inventory"), *given);
  if (!given->empty() && util::exists(under)) {
    return util::py_abspath(under);
  }
  return std::nullopt;
}

std::optional<std::string> validate_job_flags(const JobFlags& flags) {
  bool module_or_role = truthy(flags.module.get()) || truthy(flags.role.get());
  if (truthy(flags.hosts.get()) && !module_or_role) {
    return std::string("The --hosts option can only be used with -m or -r");
  }
  if (!module_or_role && !truthy(flags.playbook.get())) {
    return std::string("The -p option must be specified when not using -m or -r");
  }
  if (flags.inventory.get() && !resolve_inventory_flag(flags)) {
    return std::string("Value for --inventory does not appear to be a valid path.");
  }
  return std::nullopt;
}

RolePlaybook write_role_playbook(const JobFlags& flags) {
  std::string pdd = absolute_pdd(flags);
  auto project = flags.project_dir.get();
  std::string project_path = project && !project->empty() ? util::py_abspath(*project) : util::path_join(pdd, "project");
  bool project_existed = util::exists(project_path);
  std::optional<Json> role_vars;
  if (truthy(flags.role_vars.get())) {
    role_vars = config::parse_role_vars(*flags.role_vars.get());
  }
  auto hosts = flags.hosts.get();
  Json plays = config::cli_role_playbook(*flags.role.get(), role_vars, hosts ? *hosts : "all", flags.role_skip_facts);
  RolePlaybook playbook;
  playbook.path = config::write_generated_file(project_path, util::uuid4_hex(), util::python_dumps(plays));
  playbook.cleanup = project_existed ? playbook.path : project_path;
  return playbook;
}

void remove_role_playbook(const RolePlaybook& playbook) { util::remove_tree(playbook.cleanup, true); }

RunOptions run_options_from_flags(const JobFlags& f, const std::string& default_ident,
                                  const std::optional<RolePlaybook>& role_playbook) {
  RunOptions o;
  o.private_data_dir = absolute_pdd(f);
  o.ident = f.ident.get().value_or(default_ident);
  o.binary = f.binary.get();
  o.playbook = role_playbook ? std::optional<Json>(Json(role_playbook->path))
                             : (f.playbook.get() ? std::optional<Json>(Json(*f.playbook.get())) : std::nullopt);
  o.module = f.module.get();
  o.module_args = f.module_args.get();
  o.host_pattern = f.hosts.get();
  if (f.verbosity > 0) {
    o.verbosity = f.verbosity;
  }
  o.quiet = f.quiet;
  o.rotate_artifacts = f.rotate_artifacts;
  o.json_mode = f.json;
  o.omit_event_data = f.omit_event_data;
  o.only_failed_event_data = f.only_failed_event_data;
  if (auto inventory = resolve_inventory_flag(f)) {
    o.inventory = Json(*inventory);
  }
  o.forks = f.forks.get();
  o.project_dir = f.project_dir.get();
  o.artifact_dir = f.artifact_dir.get();
  if (truthy(f.roles_path.get())) {
    o.roles_path = Json::array({*f.roles_path.get()});
  }
  if (role_playbook) {
    // The reference computes ANSIBLE_ROLES_PATH for CLI role mode but never passes it on, so
    // roles in <pdd>/roles are not found (docs/cli.md); we pass it, beneath env/envvars.
    auto roles = f.roles_path.get();
    Json envvars = Json::object();
    envvars["ANSIBLE_ROLES_PATH"] = util::py_abspath(truthy(roles) ? *roles : util::path_join(o.private_data_dir, "roles"));
    o.envvars = envvars;
  }
  o.process_isolation = f.process_isolation;
  o.process_isolation_executable = f.process_isolation_executable;
  o.process_isolation_path = f.process_isolation_path;
  o.process_isolation_hide_paths = f.hide_paths.get();
  o.process_isolation_show_paths = f.show_paths.get();
  o.process_isolation_ro_paths = f.ro_paths.get();
  o.container_image = f.container_image;
  o.container_volume_mounts = f.container_volume_mounts.get();
  o.container_options = f.container_options.get();
  o.directory_isolation_base_path = f.directory_isolation_base_path.get();
  o.cmdline = f.cmdline.get();
  o.limit = f.limit.get();
  o.suppress_env_files = f.suppress_env_files;
  return o;
}

Json transmit_kwargs_from_flags(const JobFlags& f, const std::string& default_ident,
                                const std::optional<RolePlaybook>& role_playbook) {
  Json k = Json::object();
  k["ident"] = f.ident.get().value_or(default_ident);
  k["binary"] = json_or_null(f.binary.get());
  k["playbook"] = role_playbook ? Json(role_playbook->path) : json_or_null(f.playbook.get());
  k["module"] = json_or_null(f.module.get());
  k["module_args"] = json_or_null(f.module_args.get());
  k["host_pattern"] = json_or_null(f.hosts.get());
  k["verbosity"] = f.verbosity > 0 ? Json(f.verbosity) : Json(nullptr);
  k["quiet"] = f.quiet;
  k["rotate_artifacts"] = f.rotate_artifacts;
  k["json_mode"] = f.json;
  k["omit_event_data"] = f.omit_event_data;
  k["only_failed_event_data"] = f.only_failed_event_data;
  k["inventory"] = json_or_null(resolve_inventory_flag(f));
  k["forks"] = json_or_null(f.forks.get());
  k["project_dir"] = json_or_null(f.project_dir.get());
  k["artifact_dir"] = json_or_null(f.artifact_dir.get());
  k["roles_path"] = truthy(f.roles_path.get()) ? Json::array({*f.roles_path.get()}) : Json(nullptr);
  // transmit has no isolation group: the reference sends these as null.
  bool iso = f.has_isolation_group;
  k["process_isolation"] = iso ? Json(f.process_isolation) : Json(nullptr);
  k["process_isolation_executable"] = iso ? Json(f.process_isolation_executable) : Json(nullptr);
  k["process_isolation_path"] = iso ? Json(f.process_isolation_path) : Json(nullptr);
  k["process_isolation_hide_paths"] = iso ? json_or_null(f.hide_paths.get()) : Json(nullptr);
  k["process_isolation_show_paths"] = iso ? json_or_null(f.show_paths.get()) : Json(nullptr);
  k["process_isolation_ro_paths"] = iso ? json_or_null(f.ro_paths.get()) : Json(nullptr);
  k["container_image"] = f.container_image;
  k["container_volume_mounts"] = json_or_null(f.container_volume_mounts.get());
  k["container_options"] = json_or_null(f.container_options.get());
  k["directory_isolation_base_path"] = iso ? json_or_null(f.directory_isolation_base_path.get()) : Json(nullptr);
  k["cmdline"] = json_or_null(f.cmdline.get());
  k["limit"] = json_or_null(f.limit.get());
  k["suppress_env_files"] = f.suppress_env_files;
  return k;
}

} // namespace ansible_runner::cli
