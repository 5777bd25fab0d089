#include "config/command_config.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

#include "test_util.hpp"
#include "util/fs.hpp"

using ansible_runner::CommandOptions;
using ansible_runner::Json;
using ansible_runner::RunnerMode;
using ansible_runner::config::CommandJob;
using ansible_runner::config::prepare_command_job;
using ansible_runner::test::TempDir;

namespace {

CommandOptions in_dir(const TempDir& dir) {
  CommandOptions o;
  o.private_data_dir = dir / "pdd";
  o.ident = "i1";
  return o;
}

} // namespace

TEST(CommandConfig, CreatesThePrivateDataDirAndUsesOurCwd) {
  TempDir dir;
  CommandJob c = prepare_command_job(in_dir(dir), {{"ls", "-l"}, false}, RunnerMode::subprocess);
  EXPECT_TRUE(ansible_runner::util::is_directory(dir / "pdd/artifacts/i1"));
  EXPECT_EQ(dir / "pdd", c.job.private_data_dir);
  EXPECT_EQ(dir / "pdd/artifacts/i1", c.job.artifact_dir);
  char cwd[4096];
  ASSERT_NE(nullptr, ::getcwd(cwd, sizeof cwd));
  EXPECT_EQ(cwd, c.job.cwd);
  EXPECT_EQ((std::vector<std::string>{"ls", "-l"}), c.job.command);
  EXPECT_EQ(dir / "pdd/artifacts/i1/fact_cache", c.job.fact_cache_dir);
}

TEST(CommandConfig, EnvironmentIsTheBaseConfigOne) {
  TempDir dir;
  CommandOptions o = in_dir(dir);
  o.envvars = Json{{"FROM_KWARG", "1"}, {"BOTH", "kwarg"}};
  ansible_runner::util::make_dirs(dir / "pdd/env", 0700);
  ansible_runner::util::write_file(dir / "pdd/env/envvars", "BOTH: file\n");
  CommandJob c = prepare_command_job(o, {{"x"}, false}, RunnerMode::subprocess);
  EXPECT_EQ("1", c.job.env["FROM_KWARG"]);
  EXPECT_EQ("file", c.job.env["BOTH"]);
  EXPECT_EQ("awx_display", c.job.env["ANSIBLE_STDOUT_CALLBACK"]);
  EXPECT_EQ(c.job.artifact_dir, c.job.env["AWX_ISOLATED_DATA_DIR"]);
  EXPECT_EQ("jsonfile", c.job.env["ANSIBLE_CACHE_PLUGIN"]);
  EXPECT_FALSE(c.job.env.contains("RUNNER_OMIT_EVENTS"));
  EXPECT_FALSE(c.job.env.contains("AD_HOC_COMMAND_ID"));
}

TEST(CommandConfig, HostCwdAndTimeouts) {
  TempDir dir;
  CommandOptions o = in_dir(dir);
  o.host_cwd = dir.path();
  o.timeout = 7.9;
  CommandJob sub = prepare_command_job(o, {{"x"}, false}, RunnerMode::subprocess);
  EXPECT_EQ(dir.path(), sub.job.cwd);
  EXPECT_EQ(7, sub.subprocess_timeout);
  EXPECT_FALSE(sub.job.job_timeout.has_value());
  CommandJob pty = prepare_command_job(o, {{"x"}, false}, RunnerMode::pexpect);
  EXPECT_EQ(7, pty.job.job_timeout);
  EXPECT_FALSE(pty.subprocess_timeout.has_value());

  o.timeout.reset();
  o.settings = Json{{"subprocess_timeout", 3}, {"job_timeout", 4}};
  EXPECT_EQ(3, prepare_command_job(o, {{"x"}, false}, RunnerMode::subprocess).subprocess_timeout);
  EXPECT_EQ(4, prepare_command_job(o, {{"x"}, false}, RunnerMode::pexpect).job.job_timeout);
}

TEST(CommandConfig, PasswordsOnlyInPexpectMode) {
  TempDir dir;
  CommandOptions o = in_dir(dir);
  o.passwords = Json{{"Password:", "secret"}};
  EXPECT_TRUE(prepare_command_job(o, {{"x"}, false}, RunnerMode::subprocess).job.passwords.empty());
  EXPECT_EQ(1u, prepare_command_job(o, {{"x"}, false}, RunnerMode::pexpect).job.passwords.size());
}

TEST(CommandConfig, UnreadableSettingsFileIsIgnoredAsInTheReference) {
  TempDir dir;
  CommandOptions o = in_dir(dir);
  o.settings = Json{{"suppress_output_file", true}};
  ansible_runner::util::make_dirs(dir / "pdd/env", 0700);
  ansible_runner::util::write_file(dir / "pdd/env/settings", "{bad: [yaml");
  CommandJob c = prepare_command_job(o, {{"x"}, false}, RunnerMode::subprocess);
  EXPECT_FALSE(c.job.suppress_output_file); // the kwarg's settings are dropped too
}

TEST(CommandConfig, QuietAndSettings) {
  TempDir dir;
  CommandOptions o = in_dir(dir);
  o.quiet = true;
  EXPECT_TRUE(prepare_command_job(o, {{"x"}, false}, RunnerMode::subprocess).job.suppress_ansible_output);
  o.settings = Json{{"suppress_ansible_output", false}, {"fact_cache", "facts"}};
  CommandJob c = prepare_command_job(o, {{"x"}, false}, RunnerMode::subprocess);
  EXPECT_FALSE(c.job.suppress_ansible_output);
  EXPECT_EQ(c.job.artifact_dir + "/facts", c.job.env["ANSIBLE_CACHE_PLUGIN_CONNECTION"]);
}

TEST(CommandConfig, SshKeyWrapsTheCommand) {
  TempDir dir;
  CommandOptions o = in_dir(dir);
  o.ssh_key = "KEY";
  CommandJob c = prepare_command_job(o, {{"ansible", "all"}, true}, RunnerMode::subprocess);
  EXPECT_EQ(c.job.artifact_dir + "/ssh_key_data", c.job.ssh_key_fifo); // the runner makes the FIFO
  EXPECT_EQ("ssh-agent", c.job.command.at(0));
  EXPECT_NE(std::string::npos, c.job.command.back().find("ssh-add " + c.job.ssh_key_fifo));
}

TEST(CommandConfig, OtherIsolationExecutablesRunUnwrapped) {
  TempDir dir;
  CommandOptions o = in_dir(dir);
  o.settings = Json{{"process_isolation", true}, {"process_isolation_executable", "bwrap"}};
  CommandJob c = prepare_command_job(o, {{"x"}, false}, RunnerMode::subprocess);
  EXPECT_EQ((std::vector<std::string>{"x"}), c.job.command);
  EXPECT_FALSE(c.job.containerized);
}

TEST(CommandConfig, ContainerForAnAnsibleTool) {
  TempDir dir;
  ansible_runner::util::make_dirs(dir / "inv", 0700);
  ansible_runner::util::write_file(dir / "inv/hosts", "h\n");
  CommandOptions o = in_dir(dir);
  o.process_isolation = true;
  o.process_isolation_executable = "podman";
  o.host_cwd = dir.path();
  o.envvars = Json{{"A", "1"}};
  ::unsetenv("SSH_AUTH_SOCK");
  CommandJob c = prepare_command_job(o, {{"ansible-inventory", "--list", "-i", dir / "inv/hosts", "-i", "web1,"}, true},
                                     RunnerMode::subprocess);
  const auto& cmd = c.job.command;
  std::vector<std::string> head(cmd.begin(), cmd.begin() + 8);
  EXPECT_EQ((std::vector<std::string>{"podman", "run", "--rm", "--interactive", "-v", dir.path() + "/:" + dir.path() + "/",
                                      "--workdir", dir.path()}),
            head); // no --tty in subprocess mode; host_cwd mounted before --workdir
  auto has = [&](const std::string& a, const std::string& b) {
    for (size_t i = 0; i + 1 < cmd.size(); ++i) {
      if (cmd[i] == a && cmd[i + 1] == b) {
        return true;
      }
    }
    return false;
  };
  EXPECT_TRUE(has("-v", dir / "inv/" + ":" + dir / "inv/"));
  EXPECT_TRUE(has("--group-add=root", "--ipc=host"));
  EXPECT_TRUE(has("-v", dir / "pdd/artifacts/" + ":/runner/artifacts/:Z"));
  EXPECT_TRUE(has("-v", dir / "pdd/" + ":/runner/:Z"));
  EXPECT_TRUE(has("--env-file", dir / "pdd/artifacts/i1/env.list"));
  EXPECT_TRUE(has("--name", "ansible_runner_i1"));
  EXPECT_EQ((std::vector<std::string>{"quay.io/ansible/ansible-runner:devel", "ansible-inventory", "--list", "-i",
                                      dir / "inv/hosts", "-i", "web1,"}),
            std::vector<std::string>(cmd.end() - 7, cmd.end()));
  EXPECT_TRUE(ansible_runner::util::is_directory(dir / "pdd/project"));
  EXPECT_TRUE(ansible_runner::util::is_directory(dir / "pdd/artifacts/i1/callback"));
  EXPECT_EQ(dir.path(), c.job.cwd);
  EXPECT_EQ("/runner/artifacts/i1", c.job.env["AWX_ISOLATED_DATA_DIR"]);
  EXPECT_EQ("1", c.job.env["ANSIBLE_UNSAFE_WRITES"]);
  EXPECT_EQ("/runner/artifacts/i1/callback", c.job.env["ANSIBLE_CALLBACK_PLUGINS"]);
  EXPECT_FALSE(c.job.env.contains("PATH")); // the container's env is only ours
  EXPECT_TRUE(c.job.spawn_env.contains("PATH"));
  ASSERT_TRUE(c.job.env_list.has_value());
  EXPECT_NE(std::string::npos, c.job.env_list->find("A=1"));
}

TEST(CommandConfig, ContainerTtyInPexpectModeAndSshKeyPath) {
  TempDir dir;
  CommandOptions o = in_dir(dir);
  o.process_isolation = true;
  o.process_isolation_executable = "docker";
  o.ssh_key = "KEY";
  CommandJob c = prepare_command_job(o, {{"ls"}, false}, RunnerMode::pexpect);
  EXPECT_EQ("--tty", c.job.command.at(3));
  EXPECT_NE(std::string::npos, c.job.command.back().find("/runner/artifacts/i1/ssh_key_data"));
  EXPECT_EQ("/runner/project", c.job.cwd);
}

TEST(CommandConfig, NulInTheCommandOrAPathIsRefusedBeforeAnythingIsCreated) {
  TempDir dir;
  CommandOptions o = in_dir(dir);
  o.private_data_dir = dir / "pdd";
  try {
    prepare_command_job(o, {{"ls", std::string("-l\0x", 4)}, false}, RunnerMode::subprocess);
    ADD_FAILURE() << "no error";
  } catch (const ansible_runner::ConfigurationError& e) {
    EXPECT_STREQ(e.what(), "the command[1]: contains a NUL character");
  }
  o.ident = std::string("a\0b", 3);
  EXPECT_THROW(prepare_command_job(o, {{"ls"}, false}, RunnerMode::subprocess), ansible_runner::ConfigurationError);
  EXPECT_FALSE(ansible_runner::util::exists(dir / "pdd"));
}
