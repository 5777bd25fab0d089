// "Dump artifacts" (docs/private-data-dir.md 6) for transmit and for local API runs.
#include <ansible_runner/errors.hpp>

#include "config/generated_file.hpp"
#include "config/kwargs.hpp"
#include "config/nul_fields.hpp"
#include "config/role.hpp"
#include "util/excerpt.hpp"
#include "util/fs.hpp"
#include "util/pypath.hpp"
#include "util/python_json.hpp"
#include "util/python_repr.hpp"

namespace ansible_runner::config {

namespace {

bool is_relative_to(const std::string& path, const std::string& dir) {
  // The reference tests startswith() on the raw strings; so do we.
  return path.starts_with('/') && path.starts_with(dir);
}

struct InventoryChoice {
  std::string path;
  bool is_text = false;
};

// An existing path as given, then a name under <pdd>/inventory/ (main), else INI text.
InventoryChoice classify_inventory(const std::string& value, const std::string& pdd) {
  if (util::exists(value)) {
    return {value, false};
  }
  std::string under = util::path_join(util::path_join(pdd, "inventory"), value);
  if (!value.starts_with('/') && util::exists(under)) {
    return {util::py_abspath(under), false};
  }
  return {util::path_join(util::path_join(pdd, "inventory"), "hosts"), true};
}

void role_to_playbook(const std::string& pdd, Json& kwargs) {
  Json role_entry = Json::object();
  role_entry["name"] = kwargs["role"];
  kwargs.erase("role");
  if (kwargs.contains("role_vars")) {
    role_entry["vars"] = kwargs["role_vars"];
    kwargs.erase("role_vars");
  }
  Json play = Json::object();
  play["hosts"] = kwargs.contains("hosts") ? kwargs["hosts"] : Json("all");
  kwargs.erase("hosts");
  play["roles"] = Json::array({role_entry});
  if (kwargs.contains("role_skip_facts") && util::python_truthy(kwargs["role_skip_facts"])) {
    play["gather_facts"] = false;
  }
  kwargs.erase("role_skip_facts");
  kwargs["playbook"] = Json::array({play});

  std::optional<Json> roles_path;
  if (kwargs.contains("roles_path")) {
    roles_path = kwargs["roles_path"];
    kwargs.erase("roles_path");
  }
  if (!kwargs.contains("envvars") || !kwargs["envvars"].is_object()) {
    kwargs["envvars"] = Json::object();
  }
  kwargs["envvars"]["ANSIBLE_ROLES_PATH"] = role_mode_roles_path(roles_path, pdd);
}

} // namespace

std::vector<GeneratedFile> dump_artifacts_for_transmit(const std::string& private_data_dir, Json& kwargs) {
  std::string pdd = util::py_abspath(private_data_dir);
  std::vector<GeneratedFile> files;
  if (!kwargs.is_object()) {
    throw ConfigurationError("kwargs: must be a mapping, got " + util::excerpt(util::python_dumps(kwargs)));
  }
  if (kwargs.contains("role")) {
    role_to_playbook(pdd, kwargs);
  }

  if (kwargs.contains("playbook") && util::python_truthy(kwargs["playbook"])) {
    Json playbook = kwargs["playbook"];
    if (playbook.is_object()) {
      playbook = Json::array({playbook});
    }
    if (playbook.is_array()) {
      files.push_back({"project/main.json", util::python_dumps(playbook)});
      kwargs["playbook"] = util::path_join(pdd, "project/main.json");
    }
  }

  if (kwargs.contains("inventory") && util::python_truthy(kwargs["inventory"])) {
    const Json& inventory = kwargs["inventory"];
    if (inventory.is_object()) {
      files.push_back({"inventory/hosts.json", util::python_dumps(inventory)});
      kwargs["inventory"] = util::path_join(pdd, "inventory/hosts.json");
    } else if (inventory.is_string()) {
      InventoryChoice choice = classify_inventory(inventory.get<std::string>(), pdd);
      if (choice.is_text) {
        files.push_back({"inventory/hosts", inventory.get<std::string>()});
      }
      kwargs["inventory"] = choice.path;
    }
  }

  bool suppress = kwargs.contains("suppress_env_files") && util::python_truthy(kwargs["suppress_env_files"]);
  if (!suppress) {
    for (const char* key : {"envvars", "extravars", "passwords", "settings", "ssh_key", "cmdline"}) {
      if (!kwargs.contains(key) || !util::python_truthy(kwargs[key])) {
        continue;
      }
      std::string relative = std::string("env/") + key;
      if (util::exists(util::path_join(pdd, relative))) {
        continue;
      }
      bool text = std::string(key) == "ssh_key" || std::string(key) == "cmdline";
      files.push_back({relative, text ? util::python_str(kwargs[key]) : util::python_dumps(kwargs[key])});
      kwargs.erase(key);
    }
  }

  // Streaming: paths the sender made absolute go back to being relative to the worker's dirs.
  std::string project_dir = util::path_join(pdd, "project");
  if (kwargs.contains("playbook") && kwargs["playbook"].is_string() &&
      is_relative_to(kwargs["playbook"].get<std::string>(), project_dir)) {
    kwargs["playbook"] = util::py_relpath(kwargs["playbook"].get<std::string>(), project_dir);
  }
  if (kwargs.contains("inventory") && kwargs["inventory"].is_string() &&
      is_relative_to(kwargs["inventory"].get<std::string>(), pdd)) {
    kwargs["inventory"] = util::py_relpath(kwargs["inventory"].get<std::string>(), pdd);
  }
  if (kwargs.contains("envvars") && kwargs["envvars"].is_object() && kwargs["envvars"].contains("ANSIBLE_ROLES_PATH")) {
    Json& roles = kwargs["envvars"]["ANSIBLE_ROLES_PATH"];
    if (roles.is_string() && is_relative_to(roles.get<std::string>(), pdd)) {
      roles = util::py_relpath(roles.get<std::string>(), pdd);
    }
  }
  return files;
}

namespace {

// env material the options carry goes to <pdd>/env/<key> unless that file exists, and leaves the
// options: prepare() then reads it back like any env file, so Ansible gets `-e @env/extravars`
// (a large mapping on the command line would pass Linux's 128 KiB per-argument limit).
void dump_env_files(RunOptions& o, const std::string& pdd) {
  if (o.suppress_env_files) {
    return;
  }
  // Nothing is written that prepare() would refuse afterwards.
  refuse_nul("envvars", o.envvars);
  refuse_nul("extravars", o.extravars);
  refuse_nul("settings", o.settings);
  std::string env_dir = util::path_join(pdd, "env");
  auto absent = [&](const char* key) { return !util::exists(util::path_join(env_dir, key)); };
  // Only mappings: a string extravars is a path (our API's extension), other types are
  // refused by prepare() with the field's name.
  auto dump_mapping = [&](const char* key, std::optional<Json>& value) {
    if (value && value->is_object() && !value->empty() && absent(key)) {
      write_generated_file(env_dir, key, util::python_dumps(*value));
      value.reset();
    }
  };
  auto dump_text = [&](const char* key, std::optional<std::string>& value) {
    if (value && !value->empty() && absent(key)) {
      write_generated_file(env_dir, key, *value);
      value.reset();
    }
  };
  dump_mapping("envvars", o.envvars);
  dump_mapping("extravars", o.extravars);
  dump_mapping("passwords", o.passwords);
  dump_mapping("settings", o.settings);
  dump_text("ssh_key", o.ssh_key);
  // Not cmdline: the argv is the same either way, and a dumped env/cmdline would stick to later
  // runs of the same dir (`run --cmdline` once, and every later run gets it; docs/cli.md).
}

} // namespace

void dump_artifacts_for_run(RunOptions& options) {
  std::string pdd = util::py_abspath(options.private_data_dir);
  dump_env_files(options, pdd);
  if (!options.inventory || !options.inventory->is_string() || options.inventory->get<std::string>().empty()) {
    return;
  }
  std::string value = options.inventory->get<std::string>();
  InventoryChoice choice = classify_inventory(value, pdd);
  if (choice.is_text) {
    write_generated_file(util::path_join(pdd, "inventory"), "hosts", value);
  }
  options.inventory = Json(choice.path);
}

} // namespace ansible_runner::config
