#pragma once
// Role mode: a role is run through a generated one-play playbook (docs/private-data-dir.md 6,
// docs/cli.md "CLI role mode").
#include <optional>
#include <string>

#include <ansible_runner/json.hpp>

namespace ansible_runner::config {

// The play list the reference's API builds:
// [{"hosts": hosts, "roles": [{"name": role, "vars": role_vars?}], "gather_facts": false?}]
// ("vars" only when role_vars is given, "gather_facts" only when skipping facts).
Json role_playbook(const std::string& role, const std::optional<Json>& role_vars, const std::string& hosts,
                   bool skip_facts);

// The play list the reference's CLI writes (docs/cli.md "CLI role mode"): gather_facts always
// present, keys in the order hosts, gather_facts, roles.
Json cli_role_playbook(const std::string& role, const std::optional<Json>& role_vars, const std::string& hosts,
                       bool skip_facts);

// ANSIBLE_ROLES_PATH for role mode: "<roles_path>:<pdd>/roles" or "<pdd>/roles". A list
// roles_path is joined with ':' first (the reference would crash on a list here).
std::string role_mode_roles_path(const std::optional<Json>& roles_path, const std::string& private_data_dir);

// CLI `--role-vars "k=v k2=v2"`: whitespace-split, each item exactly one '=', each value a
// Python literal if it parses as one, else the raw string. Throws ConfigurationError for an
// item without exactly one '=' (the reference crashes with a traceback).
Json parse_role_vars(const std::string& text);

} // namespace ansible_runner::config
