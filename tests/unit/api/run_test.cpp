// run() end to end: through the fake playbook (raw binary mode), and a real playbook against
// localhost.
#include <ansible_runner/runner.hpp>

#include <gtest/gtest.h>

#include <ansible_runner/errors.hpp>

#include "api_test_util.hpp"

using ansible_runner::Handlers;
using ansible_runner::Json;
using ansible_runner::RunOptions;
using ansible_runner::RunResult;
using ansible_runner::test::fake_run_options;
using ansible_runner::test::TempDir;

TEST(Run, FakePlaybookResultReadsItsArtifacts) {
  TempDir dir;
  std::vector<std::string> statuses;
  int handled = 0;
  Handlers handlers;
  handlers.on_status = [&](const Json& s) { statuses.push_back(s["status"].get<std::string>()); };
  handlers.on_event = [&](const Json&) {
    ++handled;
    return true;
  };
  RunResult result = ansible_runner::run(
      fake_run_options(dir, {"print:warming up\\n", "event:playbook_on_start", "event:runner_on_ok:ok: [h]\\n",
                             "event:playbook_on_stats:\\nPLAY RECAP\\n"}),
      handlers);
  EXPECT_EQ("successful", result.status);
  EXPECT_EQ(0, result.rc);
  EXPECT_EQ((std::vector<std::string>{"starting", "running", "successful"}), statuses);
  EXPECT_EQ(dir / "artifacts/t1", result.artifact_dir);
  EXPECT_EQ(dir.path(), result.private_data_dir);
  EXPECT_EQ("/usr/bin/python3", result.command.at(0));
  EXPECT_EQ(dir.path(), result.cwd); // no project dir
  EXPECT_TRUE(result.env.contains("ANSIBLE_CALLBACK_PLUGINS"));

  std::vector<std::string> types;
  long last = 0;
  for (const Json& event : result.events()) {
    types.push_back(event["event"].get<std::string>());
    EXPECT_GT(event["counter"].get<long>(), last);
    last = event["counter"].get<long>();
  }
  EXPECT_EQ((std::vector<std::string>{"verbose", "playbook_on_start", "runner_on_ok", "playbook_on_stats"}), types);
  EXPECT_EQ(4, handled);
  auto stats = result.stats();
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(8u, stats->size());
  EXPECT_EQ(Json::object(), (*stats)["ok"]); // the fake's stats carry no counts

  std::stringstream out;
  out << result.open_stdout().rdbuf();
  EXPECT_NE(std::string::npos, out.str().find("warming up"));
  EXPECT_NE(std::string::npos, out.str().find("PLAY RECAP"));
}

TEST(Run, FailingJobAndUnwrittenEvents) {
  TempDir dir;
  Handlers handlers;
  handlers.on_event = [](const Json&) { return false; };
  RunResult result = ansible_runner::run(fake_run_options(dir, {"event:runner_on_failed", "exit:2"}), handlers);
  EXPECT_EQ("failed", result.status);
  EXPECT_EQ(2, result.rc);
  EXPECT_TRUE(result.events().begin() == std::default_sentinel);
}

TEST(Run, ConfigurationErrorBeforeAnyProcess) {
  RunOptions options;
  options.private_data_dir = "/nonexistent/ar-test";
  options.playbook = "x.yml";
  EXPECT_THROW(ansible_runner::run(options), ansible_runner::ConfigurationError);
}

TEST(Run, RealPlaybookAgainstLocalhost) {
  if (!ansible_runner::util::exists("/usr/bin/ansible-playbook")) {
    GTEST_SKIP() << "ansible-playbook is not installed";
  }
  TempDir dir;
  ansible_runner::util::make_dirs(dir / "project", 0700);
  ansible_runner::util::make_dirs(dir / "inventory", 0700);
  ansible_runner::util::write_file(dir / "project/test.yml",
                                   "- hosts: all\n  gather_facts: false\n  tasks:\n"
                                   "    - debug:\n        msg: hello\n");
  ansible_runner::util::write_file(dir / "inventory/hosts",
                                   "localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n");
  RunOptions options;
  options.private_data_dir = dir.path();
  options.playbook = "test.yml";
  options.ident = "real";
  options.quiet = true;
  RunResult result = ansible_runner::run(options);
  ASSERT_EQ("successful", result.status);
  auto stats = result.stats();
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(1, (*stats)["ok"]["localhost"]);
  EXPECT_EQ(1, (*stats)["processed"]["localhost"]);
  bool saw_ok = false;
  for (const Json& event : result.host_events("localhost")) {
    saw_ok = saw_ok || event["event"] == "runner_on_ok";
  }
  EXPECT_TRUE(saw_ok);
}
