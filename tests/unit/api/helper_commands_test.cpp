#include "api/helper_commands.hpp"

#include <gtest/gtest.h>

#include <ansible_runner/errors.hpp>

using ansible_runner::CommandOptions;
using ansible_runner::ConfigurationError;
using ansible_runner::RunnerMode;
using Args = std::vector<std::string>;
namespace api = ansible_runner::api;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigurationError& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST(HelperCommands, PluginDocs) {
  ansible_runner::PluginDocsRequest r;
  r.plugin_names = {"ping", "copy"};
  EXPECT_EQ((Args{"ping", "copy"}), api::plugin_docs_args(r));
  r.response_format = "json";
  r.snippet = true;
  r.plugin_type = "module";
  r.playbook_dir = "/pb";
  r.module_path = "/m";
  EXPECT_EQ((Args{"-j", "-s", "-t", "module", "--playbook-dir", "/pb", "-M", "/m", "ping", "copy"}),
            api::plugin_docs_args(r));
  r.response_format = "yaml";
  EXPECT_EQ("Invalid response_format yaml, valid value is one of either json, human",
            error_of([&] { api::plugin_docs_args(r); }));
}

TEST(HelperCommands, PluginList) {
  ansible_runner::PluginListRequest r;
  EXPECT_EQ((Args{"-l"}), api::plugin_list_args(r));
  r.list_files = true;
  r.response_format = "json";
  r.plugin_type = "callback";
  EXPECT_EQ((Args{"-F", "-j", "-t", "callback"}), api::plugin_list_args(r));
}

TEST(HelperCommands, Inventory) {
  ansible_runner::InventoryRequest r;
  r.action = "list";
  r.inventories = {"/a", "/b"};
  EXPECT_EQ((Args{"--list", "-i", "/a", "-i", "/b"}), api::inventory_args(r));
  r.action = "host";
  r.host = "web1";
  r.response_format = "yaml";
  r.playbook_dir = "/pb";
  r.vault_ids = "dev@prompt";
  r.vault_password_file = "/v";
  r.output_file = "/o";
  r.export_ = true;
  EXPECT_EQ((Args{"--host", "web1", "-i", "/a", "-i", "/b", "--yaml", "--playbook-dir", "/pb", "--vault-id",
                  "dev@prompt", "--vault-password-file", "/v", "--output", "/o", "--export"}),
            api::inventory_args(r));
  r.response_format = "json";
  EXPECT_EQ((Args{"--host", "web1", "-i", "/a", "-i", "/b", "--playbook-dir", "/pb", "--vault-id", "dev@prompt",
                  "--vault-password-file", "/v", "--output", "/o", "--export"}),
            api::inventory_args(r));
}

TEST(HelperCommands, InventoryValidation) {
  ansible_runner::InventoryRequest r;
  r.action = "show";
  EXPECT_EQ("Invalid action show, valid value is one of either graph, host, list",
            error_of([&] { api::inventory_args(r); }));
  r.action = "host";
  EXPECT_EQ("Value of host parameter is required when action in 'host'", error_of([&] { api::inventory_args(r); }));
  r.action = "graph";
  r.response_format = "toml";
  EXPECT_EQ("'graph' action supports only 'json' response format", error_of([&] { api::inventory_args(r); }));
  r.response_format = "xml";
  EXPECT_EQ("Invalid response_format xml, valid value is one of either json, yaml, toml",
            error_of([&] { api::inventory_args(r); }));
}

TEST(HelperCommands, AnsibleConfig) {
  ansible_runner::AnsibleConfigRequest r;
  r.action = "dump";
  r.config_file = "/etc/ansible.cfg";
  r.only_changed = true;
  EXPECT_EQ((Args{"dump", "-c", "/etc/ansible.cfg", "--only-changed"}), api::ansible_config_args(r));
  r.action = "list";
  EXPECT_EQ("only_changed is applicable for action 'dump'", error_of([&] { api::ansible_config_args(r); }));
  r.action = "get";
  EXPECT_EQ("Invalid action get, valid value is one of either list, dump, view",
            error_of([&] { api::ansible_config_args(r); }));
}

TEST(HelperCommands, Roles) {
  EXPECT_EQ((Args{"-t", "role", "-l", "-j"}), api::role_list_args({}));
  EXPECT_EQ((Args{"-t", "role", "-l", "-j", "--playbook-dir", "/pb", "ns.coll"}),
            api::role_list_args({"ns.coll", "/pb"}));
  EXPECT_EQ((Args{"-t", "role", "-j", "web"}), api::role_argspec_args({"web", {}, {}}));
  EXPECT_EQ((Args{"-t", "role", "-j", "--playbook-dir", "/pb", "ns.coll.web"}),
            api::role_argspec_args({"web", "ns.coll", "/pb"}));
}

TEST(HelperCommands, RunCommandMode) {
  CommandOptions o;
  EXPECT_EQ(RunnerMode::pexpect, api::run_command_mode("ls", std::nullopt, o));
  EXPECT_EQ(RunnerMode::subprocess, api::run_command_mode("ansible-doc", std::nullopt, o));
  EXPECT_EQ(RunnerMode::subprocess, api::run_command_mode("ansible-galaxy", std::nullopt, o));
  // The reference splits on ':' (os.pathsep), so an absolute path is a generic command.
  EXPECT_EQ(RunnerMode::pexpect, api::run_command_mode("/usr/bin/ansible-doc", std::nullopt, o));
  o.input_fd = 0;
  EXPECT_EQ(RunnerMode::subprocess, api::run_command_mode("ls", std::nullopt, o));
  o.runner_mode = RunnerMode::pexpect;
  EXPECT_EQ("input_fd is applicable only with 'subprocess' runner mode",
            error_of([&] { api::run_command_mode("ls", std::nullopt, o); }));
  o = {};
  EXPECT_EQ("For CommandRunner 'executable_cmd' value is required",
            error_of([&] { api::run_command_mode("", std::nullopt, o); }));
  EXPECT_EQ("Runner requires python filename for execution",
            error_of([&] { api::run_command_mode("python3", std::nullopt, o); }));
  EXPECT_EQ(RunnerMode::pexpect, api::run_command_mode("python3", Args{}, o));
  EXPECT_EQ(RunnerMode::pexpect, api::run_command_mode("ansible-python-thing", std::nullopt, o));
}
