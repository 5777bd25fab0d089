#include <ansible_runner/runner.hpp>

#include <gtest/gtest.h>
#include <sstream>
#include <sys/stat.h>

#include <ansible_runner/errors.hpp>

#include "api_test_util.hpp"

using ansible_runner::Error;
using ansible_runner::Json;
using ansible_runner::RunResult;
using ansible_runner::test::TempDir;
using ansible_runner::test::write_event;

namespace {

RunResult result_in(const TempDir& dir) {
  RunResult result;
  result.artifact_dir = dir / "artifacts/x";
  ansible_runner::util::make_dirs(result.artifact_dir, 0700);
  return result;
}

std::string slurp(std::ifstream in) {
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

TEST(RunResult, StdoutAndStderrOpenANewStreamEachTime) {
  TempDir dir;
  RunResult result = result_in(dir);
  ansible_runner::util::write_file(result.stdout_path(), "out\n");
  ansible_runner::util::write_file(result.stderr_path(), "err\n");
  EXPECT_EQ("out\n", slurp(result.open_stdout()));
  EXPECT_EQ("out\n", slurp(result.open_stdout()));
  EXPECT_EQ("err\n", slurp(result.open_stderr()));
}

TEST(RunResult, MissingStdoutThrowsTheReferenceMessage) {
  TempDir dir;
  RunResult result = result_in(dir);
  try {
    (void)result.open_stdout();
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ("stdout missing", e.what());
  }
  EXPECT_THROW((void)result.open_stderr(), Error);
}

TEST(RunResult, EventsHostEventsAndStats) {
  TempDir dir;
  RunResult result = result_in(dir);
  std::string events = result.artifact_dir + "/job_events";
  write_event(events, 1, "playbook_on_start");
  write_event(events, 2, "runner_on_ok", "web1");
  write_event(events, 3, "runner_on_ok", "web2");
  write_event(events, 4, "runner_on_failed", "web1");
  int total = 0;
  for (const Json& event : result.events()) {
    (void)event;
    ++total;
  }
  EXPECT_EQ(4, total);
  std::vector<std::string> web1;
  for (const Json& event : result.host_events("web1")) {
    web1.push_back(event["event"].get<std::string>());
  }
  EXPECT_EQ((std::vector<std::string>{"runner_on_ok", "runner_on_failed"}), web1);
  EXPECT_FALSE(result.stats().has_value());
}

TEST(RunResult, FactCacheRoundTrip) {
  TempDir dir;
  RunResult result = result_in(dir);
  EXPECT_EQ(Json::object(), result.get_fact_cache("web1"));
  Json facts = {{"ansible_hostname", "web1"}, {"n", 3}};
  result.set_fact_cache("web1", facts);
  EXPECT_EQ(facts, result.get_fact_cache("web1"));
  struct stat st{};
  ASSERT_EQ(0, ::stat((result.artifact_dir + "/fact_cache").c_str(), &st));
  EXPECT_EQ(0700u, st.st_mode & 0777);
  EXPECT_EQ(R"({"ansible_hostname": "web1", "n": 3})",
            ansible_runner::util::read_file(result.artifact_dir + "/fact_cache/web1"));

  result.fact_cache_dir = dir / "elsewhere";
  EXPECT_EQ(Json::object(), result.get_fact_cache("web1"));
}

TEST(RunResult, FactCacheNeedsJsonfile) {
  TempDir dir;
  RunResult result = result_in(dir);
  result.fact_cache_type = "redis";
  EXPECT_THROW((void)result.get_fact_cache("h"), Error);
  EXPECT_THROW(result.set_fact_cache("h", Json::object()), Error);
}
