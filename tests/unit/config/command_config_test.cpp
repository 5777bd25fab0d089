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
  CommandJob c = prepare_command_job(in_dir(dir), {"ls", "-l"}, RunnerMode::subprocess);
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
  CommandJob c = prepare_command_job(o, {"x"}, RunnerMode::subprocess);
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
  CommandJob sub = prepare_command_job(o, {"x"}, RunnerMode::subprocess);
  EXPECT_EQ(dir.path(), sub.job.cwd);
  EXPECT_EQ(7, sub.subprocess_timeout);
  EXPECT_FALSE(sub.job.job_timeout.has_value());
  CommandJob pty = prepare_command_job(o, {"x"}, RunnerMode::pexpect);
  EXPECT_EQ(7, pty.job.job_timeout);
  EXPECT_FALSE(pty.subprocess_timeout.has_value());

  o.timeout.reset();
  o.settings = Json{{"subprocess_timeout", 3}, {"job_timeout", 4}};
  EXPECT_EQ(3, prepare_command_job(o, {"x"}, RunnerMode::subprocess).subprocess_timeout);
  EXPECT_EQ(4, prepare_command_job(o, {"x"}, RunnerMode::pexpect).job.job_timeout);
}

TEST(CommandConfig, PasswordsOnlyInPexpectMode) {
  TempDir dir;
  CommandOptions o = in_dir(dir);
  o.passwords = Json{{"Password:", "secret"}};
  EXPECT_TRUE(prepare_command_job(o, {"x"}, RunnerMode::subprocess).job.passwords.empty());
  EXPECT_EQ(1u, prepare_command_job(o, {"x"}, RunnerMode::pexpect).job.passwords.size());
}

TEST(CommandConfig, UnreadableSettingsFileIsIgnoredAsInTheReference) {
  TempDir dir;
  CommandOptions o = in_dir(dir);
  o.settings = Json{{"suppress_output_file", true}};
  ansible_runner::util::make_dirs(dir / "pdd/env", 0700);
  ansible_runner::util::write_file(dir / "pdd/env/settings", "{bad: [yaml");
  CommandJob c = prepare_command_job(o, {"x"}, RunnerMode::subprocess);
  EXPECT_FALSE(c.job.suppress_output_file); // the kwarg's settings are dropped too
}

TEST(CommandConfig, QuietAndSettings) {
  TempDir dir;
  CommandOptions o = in_dir(dir);
  o.quiet = true;
  EXPECT_TRUE(prepare_command_job(o, {"x"}, RunnerMode::subprocess).job.suppress_ansible_output);
  o.settings = Json{{"suppress_ansible_output", false}, {"fact_cache", "facts"}};
  CommandJob c = prepare_command_job(o, {"x"}, RunnerMode::subprocess);
  EXPECT_FALSE(c.job.suppress_ansible_output);
  EXPECT_EQ(c.job.artifact_dir + "/facts", c.job.env["ANSIBLE_CACHE_PLUGIN_CONNECTION"]);
}

TEST(CommandConfig, SshKeyMakesAFifoAndWrapsTheCommand) {
  TempDir dir;
  CommandOptions o = in_dir(dir);
  o.ssh_key = "KEY";
  CommandJob c = prepare_command_job(o, {"ansible", "all"}, RunnerMode::subprocess);
  struct stat st{};
  ASSERT_EQ(0, ::stat(c.job.ssh_key_fifo.c_str(), &st));
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(0600u, st.st_mode & 0777);
  EXPECT_EQ("ssh-agent", c.job.command.at(0));
  EXPECT_NE(std::string::npos, c.job.command.back().find("ssh-add " + c.job.ssh_key_fifo));
}

TEST(CommandConfig, ContainerEnginesAreRefused) {
  TempDir dir;
  CommandOptions o = in_dir(dir);
  o.settings = Json{{"process_isolation", true}, {"process_isolation_executable", "docker"}};
  EXPECT_THROW(prepare_command_job(o, {"x"}, RunnerMode::subprocess), ansible_runner::ConfigurationError);
  o.settings = Json{{"process_isolation", true}, {"process_isolation_executable", "bwrap"}};
  EXPECT_NO_THROW(prepare_command_job(o, {"x"}, RunnerMode::subprocess));
}
