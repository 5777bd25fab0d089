#include <ansible_runner/run_handle.hpp>

#include <atomic>
#include <chrono>
#include <gtest/gtest.h>
#include <thread>

#include <ansible_runner/errors.hpp>

#include "api_test_util.hpp"

using ansible_runner::Handlers;
using ansible_runner::Json;
using ansible_runner::RunHandle;
using ansible_runner::test::fake_run_options;
using ansible_runner::test::TempDir;
using namespace std::chrono_literals;

TEST(RunAsync, ReportsStatusWhileRunningThenTheResult) {
  TempDir dir;
  RunHandle handle = ansible_runner::run_async(fake_run_options(dir, {"print:a\\n", "sleep:1", "exit:3"}));
  EXPECT_FALSE(handle.finished());
  EXPECT_FALSE(handle.rc().has_value());
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (handle.status() != "running" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ("running", handle.status());
  EXPECT_EQ(dir / "artifacts/t1", handle.snapshot().artifact_dir);
  const ansible_runner::RunResult& result = handle.wait();
  EXPECT_EQ("failed", result.status);
  EXPECT_EQ(3, result.rc);
  EXPECT_TRUE(handle.finished());
  EXPECT_EQ(3, handle.rc());
  EXPECT_EQ("failed", handle.status());
}

TEST(RunAsync, CancelStopsTheJobWithin100Milliseconds) {
  TempDir dir;
  RunHandle handle = ansible_runner::run_async(fake_run_options(dir, {"print:started\\n", "sleep:30"}));
  EXPECT_FALSE(handle.wait_for(300ms));
  const auto asked = std::chrono::steady_clock::now();
  handle.cancel();
  const ansible_runner::RunResult& result = handle.wait();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 5s);
  EXPECT_EQ("canceled", result.status);
  EXPECT_EQ(254, result.rc);
  EXPECT_TRUE(result.canceled);
}

TEST(RunAsync, EventsFollowTheLiveJob) {
  TempDir dir;
  RunHandle handle = ansible_runner::run_async(fake_run_options(
      dir, {"event:playbook_on_start", "sleep:0.3", "event:runner_on_ok", "sleep:0.3", "event:playbook_on_stats"}));
  std::vector<std::string> types;
  for (const Json& event : handle.events()) {
    types.push_back(event["event"].get<std::string>());
  }
  EXPECT_TRUE(handle.finished());
  EXPECT_EQ((std::vector<std::string>{"playbook_on_start", "runner_on_ok", "playbook_on_stats"}), types);
  EXPECT_TRUE(handle.wait().stats().has_value());
}

TEST(RunAsync, UserHandlersStillRunAndTheirCancelCounts) {
  TempDir dir;
  std::atomic<int> events{0};
  std::atomic<bool> finished{false};
  Handlers handlers;
  handlers.on_event = [&](const Json&) {
    ++events;
    return true;
  };
  handlers.should_cancel = [&] { return events.load() > 0; };
  handlers.on_finished = [&](const ansible_runner::RunResult&) { finished = true; };
  RunHandle handle = ansible_runner::run_async(fake_run_options(dir, {"event:playbook_on_start", "sleep:30"}), handlers);
  EXPECT_EQ("canceled", handle.wait().status);
  EXPECT_TRUE(finished.load());
}

TEST(RunAsync, HandlerExceptionsAreRethrownByWait) {
  TempDir dir;
  Handlers handlers;
  handlers.on_finished = [](const ansible_runner::RunResult&) { throw std::runtime_error("boom"); };
  RunHandle handle = ansible_runner::run_async(fake_run_options(dir, {"exit:0"}), handlers);
  try {
    handle.wait();
    FAIL();
  } catch (const ansible_runner::CallbackError& e) {
    EXPECT_STREQ("Exception in Finished Callback: boom", e.what());
  }
}

TEST(RunAsync, ConfigurationErrorsAreThrownByRunAsyncItself) {
  ansible_runner::RunOptions options;
  options.private_data_dir = "/nonexistent/ar-test";
  EXPECT_THROW(ansible_runner::run_async(options), ansible_runner::ConfigurationError);
}

TEST(RunAsync, DestroyingTheHandleWaitsForTheJob) {
  TempDir dir;
  {
    RunHandle handle = ansible_runner::run_async(fake_run_options(dir, {"sleep:0.3", "exit:0"}));
    RunHandle moved = std::move(handle);
  }
  EXPECT_EQ("successful", ansible_runner::util::read_file(dir / "artifacts/t1/status"));
}

TEST(RunAsync, HostEventsFollowTheJobToo) {
  TempDir dir;
  ansible_runner::util::make_dirs(dir / "artifacts/t1/job_events", 0700);
  RunHandle handle = ansible_runner::run_async(fake_run_options(dir, {"event:runner_on_ok", "sleep:0.2", "exit:0"}));
  int matched = 0;
  for (const Json& event : handle.host_events("nobody")) {
    (void)event;
    ++matched;
  }
  EXPECT_TRUE(handle.finished());
  EXPECT_EQ(0, matched);
}

TEST(Version, IsTheReferenceVersion) { EXPECT_STREQ("2.3.1", ansible_runner::version()); }
