#include "config/role.hpp"

#include <sstream>

#include <ansible_runner/errors.hpp>

#include "config/python_literal.hpp"
#include "util/fs.hpp"
#include "util/python_repr.hpp"

namespace ansible_runner::config {

Json role_playbook(const std::string& role, const std::optional<Json>& role_vars, const std::string& hosts,
                   bool skip_facts) {
  Json role_entry = Json::object();
  role_entry["name"] = role;
  if (role_vars) {
    role_entry["vars"] = *role_vars;
  }
  Json play = Json::object();
  play["hosts"] = hosts;
  play["roles"] = Json::array({role_entry});
  if (skip_facts) {
    play["gather_facts"] = false;
  }
  return Json::array({play});
}

Json cli_role_playbook(const std::string& role, const std::optional<Json>& role_vars, const std::string& hosts,
                       bool skip_facts) {
  Json role_entry = Json::object();
  role_entry["name"] = role;
  if (role_vars) {
    role_entry["vars"] = *role_vars;
  }
  Json play = Json::object();
  play["hosts"] = hosts;
  play["gather_facts"] = !skip_facts;
  play["roles"] = Json::array({role_entry});
  return Json::array({play});
}

std::string role_mode_roles_path(const std::optional<Json>& roles_path, const std::string& private_data_dir) {
  std::string own = util::path_join(private_data_dir, "roles");
  if (!roles_path || !util::python_truthy(*roles_path)) {
    return own;
  }
  std::string given;
  if (roles_path->is_array()) {
    for (const auto& item : *roles_path) {
      given += (given.empty() ? "" : ":") + util::python_str(item);
    }
  } else {
    given = util::python_str(*roles_path);
  }
  return given + ":" + own;
}

Json parse_role_vars(const std::string& text) {
  Json vars = Json::object();
  std::istringstream words(text);
  std::string item;
  while (words >> item) {
    auto eq = item.find('=');
    if (eq == std::string::npos || item.find('=', eq + 1) != std::string::npos) {
      throw ConfigurationError("--role-vars: '" + item + "' is not of the form key=value");
    }
    std::string value = item.substr(eq + 1);
    auto literal = parse_python_literal(value);
    vars[item.substr(0, eq)] = literal ? *literal : Json(value);
  }
  return vars;
}

} // namespace ansible_runner::config
