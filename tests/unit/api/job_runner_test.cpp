#include "api/job_runner.hpp"

#include <chrono>
#include <limits>
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <vector>

#include "test_util.hpp"
#include "util/fs.hpp"

using ansible_runner::Handlers;
using ansible_runner::Json;
using ansible_runner::RunResult;
using ansible_runner::api::JobRunner;
using ansible_runner::config::JobConfig;
using ansible_runner::test::TempDir;

namespace {

JobConfig fake_job(const TempDir& dir, std::vector<std::string> steps) {
  JobConfig config;
  config.private_data_dir = dir.path();
  config.ident = "t1";
  config.artifact_dir = dir / "artifacts/t1";
  config.command = {"/usr/bin/python3", ansible_runner::test::support_file("fake_playbook.py")};
  for (auto& s : steps) {
    config.command.push_back(std::move(s));
  }
  config.cwd = dir.path();
  config.env = Json::object();
  config.env["PATH"] = "/usr/bin:/bin";
  config.suppress_ansible_output = true;
  return config;
}

struct Recorder {
  std::vector<Json> events;
  std::vector<std::string> statuses;
  Handlers handlers;
  Recorder() {
    handlers.on_event = [this](const Json& e) {
      events.push_back(e);
      return true;
    };
    handlers.on_status = [this](const Json& s) { statuses.push_back(s["status"].get<std::string>()); };
  }
};

std::string artifact(const TempDir& dir, const std::string& name) {
  return ansible_runner::util::read_file(dir / ("artifacts/t1/" + name));
}

int count_event_files(const TempDir& dir) {
  int n = 0;
  DIR* d = opendir((dir / "artifacts/t1/job_events").c_str());
  while (dirent* e = d ? readdir(d) : nullptr) {
    n += std::string(e->d_name).ends_with(".json");
  }
  if (d) {
    closedir(d);
  }
  return n;
}

} // namespace

TEST(JobRunner, FramedAndVerboseEventsWithArtifacts) {
  TempDir dir;
  Recorder rec;
  JobRunner runner(fake_job(dir, {"print:hello\\n", "event:playbook_on_start", "event:runner_on_ok:ok: [h]\\n",
                                  "event:playbook_on_stats:\\nPLAY RECAP\\n"}),
                   rec.handlers);
  RunResult result = runner.run();
  EXPECT_EQ(result.status, "successful");
  EXPECT_EQ(result.rc, 0);
  EXPECT_EQ((std::vector<std::string>{"starting", "running", "successful"}), rec.statuses);
  ASSERT_EQ(rec.events.size(), 4u);
  EXPECT_EQ(rec.events[0]["event"], "verbose");
  EXPECT_EQ(rec.events[0]["stdout"], "hello");
  EXPECT_EQ(rec.events[2]["event"], "runner_on_ok");
  EXPECT_EQ(rec.events[2]["stdout"], "ok: [h]");
  EXPECT_EQ(rec.events[3]["event"], "playbook_on_stats");
  // Key order of a framed event, as the reference writes it.
  std::vector<std::string> keys;
  for (auto& [k, v] : rec.events[2].items()) {
    keys.push_back(k);
  }
  EXPECT_EQ((std::vector<std::string>{"uuid", "counter", "stdout", "start_line", "end_line", "runner_ident", "event",
                                      "pid", "created", "event_data"}),
            keys);
  for (size_t i = 0; i < rec.events.size(); ++i) {
    EXPECT_EQ(rec.events[i]["counter"], static_cast<int>(i + 1));
    if (i > 0) {
      EXPECT_EQ(rec.events[i]["start_line"], rec.events[i - 1]["end_line"]);
    }
  }
  EXPECT_EQ(artifact(dir, "status"), "successful");
  EXPECT_EQ(artifact(dir, "rc"), "0");
  EXPECT_EQ(artifact(dir, "stdout"), "hello\r\nok: [h]\n\r\nPLAY RECAP\n");
  EXPECT_EQ(count_event_files(dir), 4);
}

TEST(JobRunner, ExitCodeBecomesFailed) {
  TempDir dir;
  Recorder rec;
  RunResult result = JobRunner(fake_job(dir, {"print:x\\n", "exit:2"}), rec.handlers).run();
  EXPECT_EQ(result.status, "failed");
  EXPECT_EQ(result.rc, 2);
  EXPECT_EQ(artifact(dir, "rc"), "2");
}

TEST(JobRunner, MissingExecutableIsRc127WithVerboseEvent) {
  TempDir dir;
  Recorder rec;
  JobConfig config = fake_job(dir, {});
  config.command = {"/nonexistent/ansible"};
  RunResult result = JobRunner(config, rec.handlers).run();
  EXPECT_EQ(result.status, "failed");
  EXPECT_EQ(result.rc, 127);
  ASSERT_EQ(rec.events.size(), 1u);
  EXPECT_EQ(rec.events[0]["stdout"], "The command was not found or was not executable: /nonexistent/ansible.");
}

TEST(JobRunner, JobTimeoutKillsTheGroupPromptly) {
  TempDir dir;
  Recorder rec;
  JobConfig config = fake_job(dir, {"ignore-term", "print:start\\n", "sleep:30"});
  config.job_timeout = 1;
  auto t0 = std::chrono::steady_clock::now();
  RunResult result = JobRunner(config, rec.handlers).run();
  auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(result.status, "timeout");
  EXPECT_EQ(result.rc, 254);
  EXPECT_TRUE(result.timed_out);
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

// docs/run-options.md: a job or idle timeout that is not a finite positive number of seconds
// means none (the reference times a negative one out at once; infinity and NaN never fire there
// either), and an absurdly large one cannot overflow the deadline.
TEST(JobRunner, TimeoutsThatMeanNone) {
  for (double value : {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN(), -5.0,
                       1e300, 0.0}) {
    TempDir dir;
    Recorder rec;
    JobConfig config = fake_job(dir, {"print:a\\n", "sleep:0.3"});
    config.job_timeout = value;
    config.idle_timeout = value;
    RunResult result = JobRunner(config, rec.handlers).run();
    EXPECT_EQ(result.status, "successful") << value;
    EXPECT_FALSE(result.timed_out) << value;
  }
}

TEST(JobRunner, IdleTimeout) {
  TempDir dir;
  Recorder rec;
  JobConfig config = fake_job(dir, {"print:a\\n", "sleep:30"});
  config.idle_timeout = 1;
  RunResult result = JobRunner(config, rec.handlers).run();
  EXPECT_EQ(result.status, "timeout");
  EXPECT_EQ(result.rc, 254);
}

// The job and idle timeouts are measured on the runner's clock: one running 100,000 times faster
// ends an hour's timeout within a second, with no hour-long sleep in the test.
TEST(JobRunner, TimeoutsFollowTheRunnersClock) {
  using Clock = std::chrono::steady_clock;
  for (bool idle : {false, true}) {
    TempDir dir;
    Recorder rec;
    JobConfig config = fake_job(dir, {"print:a\\n", "sleep:60"});
    (idle ? config.idle_timeout : config.job_timeout) = 3600;
    JobRunner runner(config, rec.handlers);
    const auto start = Clock::now();
    runner.use_clock([start] { return start + (Clock::now() - start) * 100000; });
    RunResult result = runner.run();
    EXPECT_EQ(result.status, "timeout") << idle;
    EXPECT_LT(Clock::now() - start, std::chrono::seconds(10)) << idle;
  }
}

TEST(JobRunner, CancelCallbackStopsTheJob) {
  TempDir dir;
  Recorder rec;
  auto t0 = std::chrono::steady_clock::now();
  rec.handlers.should_cancel = [t0] { return std::chrono::steady_clock::now() - t0 > std::chrono::milliseconds(500); };
  RunResult result = JobRunner(fake_job(dir, {"sleep:30"}), rec.handlers).run();
  EXPECT_EQ(result.status, "canceled");
  EXPECT_EQ(result.rc, 254);
  EXPECT_EQ(artifact(dir, "status"), "canceled");
}

TEST(JobRunner, AnswersPasswordPrompts) {
  TempDir dir;
  Recorder rec;
  JobConfig config = fake_job(dir, {"prompt:SSH password: "});
  config.passwords.push_back({R"(^SSH password:\s*?$)", std::string("s3cret")});
  RunResult result = JobRunner(config, rec.handlers).run();
  EXPECT_EQ(result.status, "successful");
  EXPECT_NE(artifact(dir, "stdout").find("got s3cret"), std::string::npos);
}

// Ansible's `pause` shows its prompt, then flushes the terminal's input: an answer written in
// between is lost, and is written again (exec/answer_pacer.hpp).
TEST(JobRunner, AnAnswerThePauseFlushedIsWrittenAgain) {
  TempDir dir;
  Recorder rec;
  JobConfig config = fake_job(dir, {"pause:Password::0.5"});
  config.passwords.push_back({"Password:", std::string("s3cret")});
  RunResult result = JobRunner(config, rec.handlers).run();
  EXPECT_EQ(result.status, "successful") << artifact(dir, "stdout");
  ASSERT_EQ(rec.events.size(), 2u);
  EXPECT_EQ(rec.events[1]["event"], "runner_on_ok");
  EXPECT_EQ(rec.events[1]["stdout"], "got s3cret");
}

TEST(JobRunner, AnAnswerReadAtOnceIsNotWrittenAgain) {
  for (const char* prompt : {"pause:Password::0", "prompt:Password:"}) {
    TempDir dir;
    Recorder rec;
    JobConfig config = fake_job(dir, {prompt, "sleep:2.5", "unread"});
    config.passwords.push_back({"Password:", std::string("s3cret")});
    RunResult result = JobRunner(config, rec.handlers).run();
    EXPECT_EQ(result.status, "successful") << prompt;
    const std::string out = artifact(dir, "stdout");
    EXPECT_NE(out.find("got s3cret"), std::string::npos) << prompt << ": " << out;
    EXPECT_NE(out.find("unread: \r\n"), std::string::npos) << prompt << ": " << out;
  }
}

TEST(JobRunner, ForeignSignalLeavesRcEmpty) {
  TempDir dir;
  Recorder rec;
  RunResult result = JobRunner(fake_job(dir, {"kill:9"}), rec.handlers).run();
  EXPECT_EQ(result.status, "failed");
  EXPECT_FALSE(result.rc.has_value());
  EXPECT_EQ(artifact(dir, "rc"), "None");
}

TEST(JobRunner, NoOutputLostAtExit) {
  TempDir dir;
  Recorder rec;
  RunResult result = JobRunner(fake_job(dir, {"flood:20000", "event:playbook_on_stats:recap\\n"}), rec.handlers).run();
  EXPECT_EQ(result.rc, 0);
  ASSERT_EQ(rec.events.size(), 20001u);
  EXPECT_EQ(rec.events.back()["event"], "playbook_on_stats");
}

TEST(JobRunner, InvalidUtf8BecomesReplacementCharacter) {
  TempDir dir;
  Recorder rec;
  RunResult result = JobRunner(fake_job(dir, {"bytes:61ff620a"}), rec.handlers).run();
  ASSERT_EQ(rec.events.size(), 1u);
  EXPECT_EQ(rec.events[0]["stdout"], "a\xEF\xBF\xBD" "b");
}

TEST(JobRunner, EventHandlerDecidesWhichFilesAreWritten) {
  TempDir dir;
  Recorder rec;
  rec.handlers.on_event = [](const Json&) { return false; };
  JobRunner(fake_job(dir, {"event:playbook_on_start", "print:v\\n"}), rec.handlers).run();
  EXPECT_EQ(count_event_files(dir), 0);
}

TEST(JobRunner, EventJsonHookRewritesTheEventFile) {
  TempDir dir;
  Handlers handlers;
  handlers.on_event_json = [](const std::string& text) -> std::optional<std::string> {
    Json event = Json::parse(text);
    event["added"] = true;
    return event.dump();
  };
  JobRunner(fake_job(dir, {"event:playbook_on_start", "event:runner_on_ok:ok: [h]\\n"}), handlers).run();
  ASSERT_EQ(count_event_files(dir), 2);
  DIR* d = opendir((dir / "artifacts/t1/job_events").c_str());
  while (dirent* e = readdir(d)) {
    if (std::string(e->d_name).ends_with(".json")) {
      EXPECT_EQ(Json::parse(artifact(dir, std::string("job_events/") + e->d_name))["added"], true);
    }
  }
  closedir(d);
}

// A binding's handler unwinds with its own exception type (not a std::exception): the job's
// process group is killed on the way out, and the exception reaches the caller.
TEST(JobRunner, ForeignExceptionFromAHandlerKillsTheJob) {
  struct Foreign {};
  TempDir dir;
  Handlers handlers;
  handlers.on_event = [](const Json&) -> bool { throw Foreign{}; };
  JobConfig config = fake_job(dir, {"event:playbook_on_start", "sleep:30"});
  const auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(JobRunner(config, handlers).run(), Foreign);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}
