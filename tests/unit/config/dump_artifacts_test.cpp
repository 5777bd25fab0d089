#include <gtest/gtest.h>

#include "config/kwargs.hpp"
#include "test_util.hpp"
#include "util/fs.hpp"

namespace ansible_runner::config {
namespace {

const GeneratedFile* find(const std::vector<GeneratedFile>& files, const std::string& rel) {
  for (const auto& f : files) {
    if (f.relative_path == rel) {
      return &f;
    }
  }
  return nullptr;
}

TEST(DumpArtifacts, EnvKwargsBecomeFilesAndLeaveKwargs) {
  test::TempDir dir;
  Json k = Json::parse(R"({"playbook": "p.yml", "envvars": {"A": "1"}, "extravars": {"x": [1, 2]},
    "passwords": {"p": "w"}, "settings": {"job_timeout": 5}, "ssh_key": "KEY", "cmdline": "--diff"})");
  auto files = dump_artifacts_for_transmit(dir.path(), k);
  EXPECT_EQ(k.dump(), R"({"playbook":"p.yml"})");
  ASSERT_TRUE(find(files, "env/envvars"));
  EXPECT_EQ(find(files, "env/envvars")->content, R"({"A": "1"})");
  EXPECT_EQ(find(files, "env/extravars")->content, R"({"x": [1, 2]})");
  EXPECT_EQ(find(files, "env/ssh_key")->content, "KEY");
  EXPECT_EQ(find(files, "env/cmdline")->content, "--diff");
  EXPECT_EQ(find(files, "env/settings")->mode, 0600u);
}

TEST(DumpArtifacts, ExistingEnvFileKeepsTheKwarg) {
  test::TempDir dir;
  util::make_dirs(dir / "env");
  util::write_file(dir / "env/cmdline", "--check");
  Json k = Json::parse(R"({"cmdline": "--diff", "envvars": {}})");
  auto files = dump_artifacts_for_transmit(dir.path(), k);
  EXPECT_TRUE(files.empty());
  EXPECT_EQ(k["cmdline"], "--diff");
  EXPECT_TRUE(k.contains("envvars")); // falsy: kept, not written
}

TEST(DumpArtifacts, SuppressEnvFilesKeepsEverything) {
  test::TempDir dir;
  Json k = Json::parse(R"({"suppress_env_files": true, "passwords": {"p": "w"}})");
  EXPECT_TRUE(dump_artifacts_for_transmit(dir.path(), k).empty());
  EXPECT_TRUE(k.contains("passwords"));
}

TEST(DumpArtifacts, PlaysAndInventories) {
  test::TempDir dir;
  Json k = Json::parse(R"({"playbook": {"hosts": "all"}, "inventory": {"all": {"hosts": {"h": null}}}})");
  auto files = dump_artifacts_for_transmit(dir.path(), k);
  EXPECT_EQ(find(files, "project/main.json")->content, R"([{"hosts": "all"}])");
  EXPECT_EQ(find(files, "inventory/hosts.json")->content, R"({"all": {"hosts": {"h": null}}})");
  EXPECT_EQ(k["playbook"], "main.json");
  EXPECT_EQ(k["inventory"], "inventory/hosts.json");
}

TEST(DumpArtifacts, InventoryTextAndExistingNames) {
  test::TempDir dir;
  util::make_dirs(dir / "inventory");
  util::write_file(dir / "inventory/prod", "h1\n");
  Json text = Json::parse(R"({"inventory": "localhost ansible_connection=local"})");
  auto files = dump_artifacts_for_transmit(dir.path(), text);
  EXPECT_EQ(find(files, "inventory/hosts")->content, "localhost ansible_connection=local");
  EXPECT_EQ(text["inventory"], "inventory/hosts");

  Json name = Json::parse(R"({"inventory": "prod"})");
  EXPECT_TRUE(dump_artifacts_for_transmit(dir.path(), name).empty());
  EXPECT_EQ(name["inventory"], "inventory/prod");

  Json absolute = Json::object({{"inventory", dir / "inventory/prod"}});
  EXPECT_TRUE(dump_artifacts_for_transmit(dir.path(), absolute).empty());
  EXPECT_EQ(absolute["inventory"], "inventory/prod");
}

TEST(DumpArtifacts, RoleBecomesPlaybookAndRolesPath) {
  test::TempDir dir;
  Json k = Json::parse(R"({"role": "r", "role_vars": {"a": 1}, "hosts": "web", "role_skip_facts": true,
    "roles_path": "/opt/roles", "suppress_env_files": true})");
  auto files = dump_artifacts_for_transmit(dir.path(), k);
  EXPECT_EQ(find(files, "project/main.json")->content,
            R"([{"hosts": "web", "roles": [{"name": "r", "vars": {"a": 1}}], "gather_facts": false}])");
  EXPECT_EQ(k["playbook"], "main.json");
  EXPECT_EQ(k["envvars"]["ANSIBLE_ROLES_PATH"], "/opt/roles:" + (dir / "roles"));
  EXPECT_FALSE(k.contains("role"));
  EXPECT_FALSE(k.contains("roles_path"));
}

TEST(DumpArtifacts, RolesPathInsidePddBecomesRelative) {
  test::TempDir dir;
  Json k = Json::parse(R"({"role": "r", "suppress_env_files": true})");
  dump_artifacts_for_transmit(dir.path(), k);
  EXPECT_EQ(k["envvars"]["ANSIBLE_ROLES_PATH"], "roles");
}

TEST(DumpArtifacts, SenderDirIsNotWritten) {
  test::TempDir dir;
  Json k = Json::parse(R"({"cmdline": "--diff", "playbook": [{"hosts": "all"}]})");
  dump_artifacts_for_transmit(dir.path(), k);
  EXPECT_FALSE(util::exists(dir / "env"));
  EXPECT_FALSE(util::exists(dir / "project"));
}

TEST(DumpArtifactsForRun, InventoryTextIsWritten) {
  test::TempDir dir;
  RunOptions o;
  o.private_data_dir = dir.path();
  o.inventory = Json("h1 ansible_connection=local");
  dump_artifacts_for_run(o);
  EXPECT_EQ(*o.inventory, Json(dir / "inventory/hosts"));
  EXPECT_EQ(util::read_file(dir / "inventory/hosts"), "h1 ansible_connection=local");
}

} // namespace
} // namespace ansible_runner::config
