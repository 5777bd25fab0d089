#include <algorithm>
#include <cstdlib>

#include <gtest/gtest.h>

#include <ansible_runner/errors.hpp>

#include "config/job_config.hpp"
#include "test_util.hpp"
#include "util/fs.hpp"
#include "util/pypath.hpp"

namespace ansible_runner::config {
namespace {

class PrepareTest : public ::testing::Test {
protected:
  void SetUp() override {
    util::make_dirs(m_dir / "project");
    util::make_dirs(m_dir / "inventory");
    util::write_file(m_dir / "inventory/hosts", "localhost\n");
    m_options.private_data_dir = m_dir.path();
    m_options.ident = "id1";
    m_options.playbook = Json("test.yml");
  }
  void write(const std::string& rel, const std::string& text) {
    util::make_dirs(util::dirname(m_dir / rel));
    util::write_file(m_dir / rel, text);
  }
  std::string expect_error(const RunOptions& options) {
    try {
      prepare(options);
    } catch (const ConfigurationError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no ConfigurationError";
    return "";
  }

  test::TempDir m_dir;
  RunOptions m_options;
};

TEST_F(PrepareTest, NulInAnOptionIsRefusedBeforeAnythingIsCreated) {
  RunOptions options = m_options;
  options.ident = std::string("a\0b", 3);
  EXPECT_EQ(expect_error(options), "ident: contains a NUL character");
  EXPECT_FALSE(util::exists(m_dir / "artifacts"));

  options = m_options;
  options.extravars = Json::parse(R"({"x": {"y": ["ok", "a\u0000b"]}})");
  EXPECT_EQ(expect_error(options), "extravars.x.y[1]: contains a NUL character");
  options = m_options;
  options.envvars = Json::parse(R"({"K\u0000": "v"})");
  EXPECT_NE(expect_error(options).find("envvars.K"), std::string::npos);
  options = m_options;
  options.container_options = std::vector<std::string>{"--a", std::string("b\0", 2)};
  EXPECT_EQ(expect_error(options), "container_options[1]: contains a NUL character");
  EXPECT_FALSE(util::exists(m_dir / "artifacts"));
}

TEST_F(PrepareTest, ArgumentOrderOfTheReference) {
  m_options.limit = "localhost";
  m_options.extravars = Json::parse(R"({"a": 1, "b": "x y", "c": [1, 2]})");
  m_options.verbosity = 2;
  m_options.tags = "t1";
  m_options.skip_tags = "t2";
  m_options.forks = "3";
  m_options.cmdline = "--diff -e 'k=v w'";
  write("env/extravars", "x: 1\n");
  JobConfig job = prepare(m_options);
  std::vector<std::string> expected = {"ansible-playbook", "--diff", "-e", "k=v w", "-i", m_dir / "inventory",
                                       "--limit", "localhost", "-e", "@" + (m_dir / "env/extravars"), "-e",
                                       R"({"a":1,"b":"x y","c":[1, 2]})", "-vv", "--tags", "t1", "--skip-tags", "t2",
                                       "--forks", "3", "test.yml"};
  EXPECT_EQ(job.command, expected);
  EXPECT_EQ(job.cwd, m_dir / "project");
  EXPECT_EQ(job.artifact_dir, m_dir / "artifacts/id1");
  EXPECT_TRUE(util::is_directory(job.artifact_dir));
  EXPECT_EQ(job.spawn_cwd, job.cwd);
  EXPECT_EQ(job.spawn_env, job.env);
  EXPECT_FALSE(job.env_list);
}

TEST_F(PrepareTest, CmdlineFileOnlyWhenNoKwarg) {
  write("env/cmdline", "--check");
  EXPECT_EQ(prepare(m_options).command[1], "--check");
  m_options.cmdline = "--diff";
  EXPECT_EQ(prepare(m_options).command[1], "--diff");
}

TEST_F(PrepareTest, UnbalancedQuoteNamesTheSource) {
  write("env/cmdline", "-e 'open");
  EXPECT_NE(expect_error(m_options).find(m_dir / "env/cmdline"), std::string::npos);
}

TEST_F(PrepareTest, ValidationTexts) {
  RunOptions both = m_options;
  both.module = "ping";
  EXPECT_EQ(expect_error(both), "Only one of playbook and module options are allowed");
  RunOptions none = m_options;
  none.playbook.reset();
  none.ident = "noplay";
  EXPECT_EQ(expect_error(none), "Runner playbook required when running ansible-playbook");
  // The artifact dir exists even though validation failed, as in the reference.
  EXPECT_TRUE(util::is_directory(m_dir / "artifacts/noplay"));
  RunOptions missing = m_options;
  missing.private_data_dir = m_dir / "nothere";
  EXPECT_EQ(expect_error(missing), "private_data_dir path is either invalid or does not exist");
}

TEST_F(PrepareTest, ArgsFileIsTheWholeCommand) {
  write("args", "ansible-playbook 'a b.yml' -e x=1");
  m_options.limit = "ignored";
  EXPECT_EQ(prepare(m_options).command, (std::vector<std::string>{"ansible-playbook", "a b.yml", "-e", "x=1"}));
}

TEST_F(PrepareTest, BinaryDropsPlaybookAndModule) {
  m_options.playbook.reset();
  m_options.binary = "/x/ansible";
  m_options.module = "ping";
  m_options.host_pattern = "h";
  EXPECT_EQ(prepare(m_options).command, (std::vector<std::string>{"/x/ansible", "-i", m_dir / "inventory"}));
}

TEST_F(PrepareTest, AdhocCommandEnvAndCwd) {
  m_options.playbook.reset();
  m_options.module = "command";
  m_options.module_args = "echo hi";
  m_options.host_pattern = "all";
  JobConfig job = prepare(m_options);
  EXPECT_EQ(job.command, (std::vector<std::string>{"ansible", "-i", m_dir / "inventory", "-m", "command", "-a",
                                                   "echo hi", "all"}));
  EXPECT_EQ(job.cwd, m_dir.path());
  EXPECT_EQ(job.env["AD_HOC_COMMAND_ID"], "1");
  EXPECT_EQ(job.env["ANSIBLE_LOAD_CALLBACK_PLUGINS"], "1");
}

TEST_F(PrepareTest, EnvironmentLayersAndOrder) {
  m_options.envvars = Json::parse(R"({"FROM_KWARG": 1, "BOTH": "kwarg", "FLAG": true})");
  write("env/envvars", "BOTH: file\nFILE_ONLY: 1.0\nANSIBLE_STDOUT_CALLBACK: yaml\n");
  m_options.omit_event_data = true;
  JobConfig job = prepare(m_options);
  EXPECT_EQ(job.env["FROM_KWARG"], "1");
  EXPECT_EQ(job.env["FLAG"], "True");
  EXPECT_EQ(job.env["BOTH"], "file");
  EXPECT_EQ(job.env["FILE_ONLY"], "1.0");
  EXPECT_EQ(job.env["ORIGINAL_STDOUT_CALLBACK"], "yaml");
  EXPECT_EQ(job.env["ANSIBLE_STDOUT_CALLBACK"], "awx_display");
  EXPECT_EQ(job.env["AWX_ISOLATED_DATA_DIR"], job.artifact_dir);
  EXPECT_EQ(job.env["ANSIBLE_CACHE_PLUGIN_CONNECTION"], job.artifact_dir + "/fact_cache");
  EXPECT_EQ(job.env["RUNNER_OMIT_EVENTS"], "True");
  // The last two keys are always the event filters.
  std::vector<std::string> keys;
  for (const auto& [key, value] : job.env.items()) {
    keys.push_back(key);
  }
  ASSERT_GE(keys.size(), 2u);
  EXPECT_EQ(keys[keys.size() - 2], "RUNNER_OMIT_EVENTS");
  EXPECT_EQ(keys.back(), "RUNNER_ONLY_FAILED_EVENTS");
  for (const auto& [key, value] : job.env.items()) {
    EXPECT_TRUE(value.is_string()) << key;
  }
}

TEST_F(PrepareTest, AwxLibDirectoryOverridesThePluginDir) {
  m_options.envvars = Json::parse(R"({"AWX_LIB_DIRECTORY": "/awx/lib", "ANSIBLE_CALLBACK_PLUGINS": "/mine"})");
  EXPECT_EQ(prepare(m_options).env["ANSIBLE_CALLBACK_PLUGINS"], "/mine:/awx/lib");
}

TEST_F(PrepareTest, FactCacheTypeOtherThanJsonfileSetsNoCacheVars) {
  m_options.fact_cache_type = "";
  JobConfig job = prepare(m_options);
  EXPECT_FALSE(job.env.contains("ANSIBLE_CACHE_PLUGIN"));
  EXPECT_FALSE(job.fact_cache_dir);
}

TEST_F(PrepareTest, SettingsAndPasswordsPrecedence) {
  m_options.settings = Json::parse(R"({"job_timeout": 10, "idle_timeout": 0, "pexpect_timeout": 1})");
  write("env/settings", "job_timeout: 20\nsuppress_output_file: true\n");
  m_options.passwords = Json::parse(R"({"a": "kwarg", "b": "kwarg"})");
  write("env/passwords", R"({"b": "file", "c": null})");
  JobConfig job = prepare(m_options);
  EXPECT_EQ(*job.job_timeout, 20);
  EXPECT_FALSE(job.idle_timeout);
  EXPECT_EQ(job.pexpect_timeout, 1);
  EXPECT_TRUE(job.suppress_output_file);
  ASSERT_EQ(job.passwords.size(), 3u);
  EXPECT_EQ(job.passwords[0].pattern, "a");
  EXPECT_EQ(*job.passwords[1].answer, "file");
  EXPECT_FALSE(job.passwords[2].answer);

  m_options.timeout = 7.9;
  EXPECT_EQ(*prepare(m_options).job_timeout, 7);
}

TEST_F(PrepareTest, SettingOfTheWrongTypeNamesTheKey) {
  write("env/settings", "job_timeout: soon\n");
  EXPECT_NE(expect_error(m_options).find("'job_timeout'"), std::string::npos);
}

TEST_F(PrepareTest, QuietSuppressesAnsibleOutputUnlessSettingsSayOtherwise) {
  m_options.quiet = true;
  EXPECT_TRUE(prepare(m_options).suppress_ansible_output);
  write("env/settings", "suppress_ansible_output: false\n");
  EXPECT_FALSE(prepare(m_options).suppress_ansible_output);
}

TEST_F(PrepareTest, SshKeyWrapsTheCommand) {
  m_options.ssh_key = "KEY";
  JobConfig job = prepare(m_options);
  std::string fifo = job.artifact_dir + "/ssh_key_data";
  EXPECT_EQ(job.ssh_key_fifo, fifo);
  ASSERT_EQ(job.command.size(), 4u);
  EXPECT_EQ(job.command[0], "ssh-agent");
  EXPECT_EQ(job.command[3], "trap 'rm -f " + fifo + "' EXIT && ssh-add " + fifo + " && rm -f " + fifo +
                                " && ansible-playbook -i " + (m_dir / "inventory") + " test.yml");
}

TEST_F(PrepareTest, EmptySshKeyKwargMeansNoKeyEvenWithFile) {
  write("env/ssh_key", "FILEKEY");
  m_options.ssh_key = "";
  EXPECT_FALSE(prepare(m_options).ssh_key);
  m_options.ssh_key.reset();
  EXPECT_EQ(*prepare(m_options).ssh_key, "FILEKEY");
}

TEST_F(PrepareTest, PlaysAndMappingInventoryAreWritten) {
  m_options.playbook = Json::parse(R"({"hosts": "all", "tasks": []})");
  m_options.inventory = Json::parse(R"({"all": {"hosts": {"h": null}}})");
  JobConfig job = prepare(m_options);
  EXPECT_EQ(job.command.back(), m_dir / "project/main.json");
  EXPECT_EQ(util::read_file(m_dir / "project/main.json"), R"([{"hosts": "all", "tasks": []}])");
  EXPECT_EQ(job.command[2], m_dir / "inventory/hosts.json");
}

TEST_F(PrepareTest, InventoryListAndEmptyList) {
  m_options.inventory = Json::parse(R"(["a", "b"])");
  EXPECT_EQ(prepare(m_options).command, (std::vector<std::string>{"ansible-playbook", "-i", "a", "-i", "b", "test.yml"}));
  m_options.inventory = Json::array();
  EXPECT_EQ(prepare(m_options).command, (std::vector<std::string>{"ansible-playbook", "test.yml"}));
}

TEST_F(PrepareTest, RoleModeGeneratesAPlaybookToCleanUp) {
  m_options.playbook.reset();
  m_options.role = "myrole";
  m_options.roles_path = Json("/opt/roles");
  JobConfig job = prepare(m_options);
  std::string playbook = job.command.back();
  EXPECT_EQ(util::dirname(playbook), m_dir / "project");
  EXPECT_EQ(util::read_file(playbook), R"([{"hosts": "all", "roles": [{"name": "myrole"}]}])");
  ASSERT_EQ(job.cleanup_paths.size(), 1u);
  EXPECT_EQ(job.cleanup_paths[0], playbook);
  EXPECT_EQ(job.env["ANSIBLE_ROLES_PATH"], "/opt/roles:" + (m_dir / "roles"));
}

TEST_F(PrepareTest, RolesPathListIsJoined) {
  m_options.roles_path = Json::parse(R"(["/a", "/b"])");
  EXPECT_EQ(prepare(m_options).env["ANSIBLE_ROLES_PATH"], "/a:/b");
}

TEST_F(PrepareTest, MissingProjectDirRunsInThePrivateDataDir) {
  m_options.project_dir = m_dir / "nothere";
  EXPECT_EQ(prepare(m_options).cwd, m_dir.path());
}

TEST_F(PrepareTest, MissingIsolationExecutable) {
  m_options.process_isolation = true;
  m_options.process_isolation_executable = "no-such-engine-here";
  EXPECT_EQ(expect_error(m_options), "Unable to find process isolation executable: no-such-engine-here");
}

TEST_F(PrepareTest, IsolationFromSettingsIsNotProbed) {
  // The reference probes only the process_isolation kwarg; from env/settings the job starts
  // and fails with rc 127 when the executable is missing.
  write("env/settings", "process_isolation: true\nprocess_isolation_executable: no-such-engine-here\n"
                        "process_isolation_path: " + m_dir.path() + "\n");
  JobConfig job = prepare(m_options);
  ASSERT_FALSE(job.command.empty());
  EXPECT_EQ(job.command.front(), "no-such-engine-here");
  EXPECT_TRUE(job.sandboxed);
}

TEST_F(PrepareTest, SandboxWithBwrapLikeExecutable) {
  m_options.process_isolation = true;
  m_options.process_isolation_executable = "true"; // any non-container executable is a sandbox
  m_options.process_isolation_path = m_dir.path();
  m_options.process_isolation_hide_paths = std::vector<std::string>{m_dir / "project", m_dir / "nothere"};
  JobConfig job = prepare(m_options);
  EXPECT_TRUE(job.sandboxed);
  EXPECT_EQ(job.command[0], "true");
  ASSERT_EQ(job.cleanup_paths.size(), 1u);
  EXPECT_TRUE(util::is_directory(job.cleanup_paths[0]));
  auto has = [&](const std::vector<std::string>& seq) {
    return std::search(job.command.begin(), job.command.end(), seq.begin(), seq.end()) != job.command.end();
  };
  EXPECT_TRUE(has({"--symlink", "usr/lib", "/lib"}));
  EXPECT_TRUE(has({"--chdir", m_dir / "project", "ansible-playbook"}));
  EXPECT_TRUE(has({"--bind", m_dir.path(), m_dir.path()}));
  util::remove_tree(job.cleanup_paths[0]);
}

TEST_F(PrepareTest, DirectoryIsolationCopiesTheProject) {
  write("project/test.yml", "- hosts: all\n");
  m_options.process_isolation = true;
  m_options.process_isolation_executable = "true";
  m_options.process_isolation_path = m_dir.path();
  util::make_dirs(m_dir / "di");
  m_options.directory_isolation_base_path = m_dir / "di";
  JobConfig job = prepare(m_options);
  EXPECT_EQ(job.cwd, m_dir / "di");
  ASSERT_EQ(job.cleanup_paths.size(), 2u);
  EXPECT_TRUE(util::exists(job.cleanup_paths[0] + "/test.yml"));
  // The copy is bound into the sandbox, which changes into it.
  std::string copy = util::py_realpath(job.cleanup_paths[0]);
  std::vector<std::string> bind = {"--bind", copy, copy};
  EXPECT_NE(std::search(job.command.begin(), job.command.end(), bind.begin(), bind.end()), job.command.end());
  std::vector<std::string> chdir = {"--chdir", copy, "ansible-playbook"};
  EXPECT_NE(std::search(job.command.begin(), job.command.end(), chdir.begin(), chdir.end()), job.command.end());
}

TEST_F(PrepareTest, ContainerCommandEnvListAndSpawnEnv) {
  // A fake engine named podman so the --version probe succeeds.
  util::make_dirs(m_dir / "bin");
  util::write_file(m_dir / "bin/podman", "#!/bin/sh\nexit 0\n", 0755);
  std::string old_path = std::getenv("PATH");
  ::setenv("PATH", ((m_dir / "bin") + ":" + old_path).c_str(), 1);
  m_options.process_isolation = true;
  m_options.process_isolation_executable = "podman";
  m_options.ident = "a/b c";
  m_options.container_image = "img:1";
  m_options.container_volume_mounts = std::vector<std::string>{(m_dir / "inventory") + ":/mnt:ro"};
  m_options.envvars = Json::parse(R"({"SECRET": "s"})");
  JobConfig job = prepare(m_options);
  ::setenv("PATH", old_path.c_str(), 1);

  EXPECT_TRUE(job.containerized);
  EXPECT_EQ(*job.container_name, "ansible_runner_a_b_c");
  std::vector<std::string> head = {"podman", "run", "--rm", "--tty", "--interactive", "--workdir", "/runner/project",
                                   "-v", m_dir.path() + "/:/runner/:Z", "-v", (m_dir / "inventory") + "/:/mnt/:ro",
                                   "--env-file", job.artifact_dir + "/env.list", "--quiet", "--name",
                                   "ansible_runner_a_b_c", "img:1", "ansible-playbook", "-i",
                                   "/runner/inventory/hosts", "test.yml"};
  EXPECT_EQ(job.command, head);
  EXPECT_EQ(job.cwd, "/runner/project");
  EXPECT_EQ(job.env["AWX_ISOLATED_DATA_DIR"], "/runner/artifacts/a/b c");
  EXPECT_EQ(job.env["ANSIBLE_UNSAFE_WRITES"], "1");
  EXPECT_FALSE(job.env.contains("HOME")); // the container gets only the job environment
  ASSERT_TRUE(job.env_list);
  EXPECT_EQ(job.env_list->find("ANSIBLE_UNSAFE_WRITES=1\n"), 0u);
  EXPECT_NE(job.env_list->find("\nSECRET=s\n"), std::string::npos);
  EXPECT_TRUE(job.spawn_env.contains("PATH"));
  EXPECT_EQ(job.spawn_env["SECRET"], "s");
  EXPECT_TRUE(util::exists(job.artifact_dir + "/callback"));
}

TEST_F(PrepareTest, ContainerRefusesToMountSlash) {
  util::make_dirs(m_dir / "bin");
  util::write_file(m_dir / "bin/docker", "#!/bin/sh\nexit 0\n", 0755);
  std::string old_path = std::getenv("PATH");
  ::setenv("PATH", ((m_dir / "bin") + ":" + old_path).c_str(), 1);
  m_options.process_isolation = true;
  m_options.process_isolation_executable = "docker";
  m_options.container_volume_mounts = std::vector<std::string>{"/:/host"};
  std::string error = expect_error(m_options);
  ::setenv("PATH", old_path.c_str(), 1);
  EXPECT_EQ(error, "When using containerized execution, cannot mount '/' or '/home' or '/usr'");
}

} // namespace
} // namespace ansible_runner::config
