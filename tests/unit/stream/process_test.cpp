// process() on recorded and damaged result streams (tests/fixtures/streams/result).
#include <ansible_runner/errors.hpp>
#include <ansible_runner/streaming.hpp>

#include <algorithm>
#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "stream_test_util.hpp"
#include "test_util.hpp"
#include "util/fs.hpp"

using ansible_runner::Handlers;
using ansible_runner::Json;
using ansible_runner::ProcessOptions;
using ansible_runner::RunResult;
using ansible_runner::test::TempDir;
namespace util = ansible_runner::util;

namespace {

std::string fixture(const std::string& name) {
  return util::read_file(std::string(AR_TEST_FIXTURES) + "/streams/result/" + name + ".stream");
}

std::vector<std::string> list(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") {
        out.push_back(n);
      }
    }
    ::closedir(d);
  }
  return out;
}

struct Processed {
  RunResult result;
  std::string printed;
  std::string diagnostics;
  std::vector<Json> statuses;
  int events = 0;
  bool finished = false;
};

Processed run_process(const std::string& stream, const std::string& pdd, const Handlers* extra = nullptr,
                      std::optional<std::string> ident = "fixture") {
  auto in = ansible_runner::test::fd_with(stream);
  auto out = ansible_runner::stream::make_anonymous_temp_file();
  auto diag = ansible_runner::stream::make_anonymous_temp_file();
  ProcessOptions options;
  options.private_data_dir = pdd;
  options.ident = ident;
  options.stdout_fd = out.get();
  options.diagnostics_fd = diag.get();
  Processed p;
  Handlers handlers = extra ? *extra : Handlers{};
  handlers.on_status = [&](const Json& s) { p.statuses.push_back(s); };
  auto user_event = handlers.on_event;
  handlers.on_event = [&, user_event](const Json& e) {
    ++p.events;
    return user_event ? user_event(e) : true;
  };
  handlers.on_finished = [&](const RunResult&) { p.finished = true; };
  p.result = ansible_runner::process(in.get(), options, handlers);
  p.printed = ansible_runner::test::read_all(out.get());
  p.diagnostics = ansible_runner::test::read_all(diag.get());
  return p;
}

} // namespace

TEST(Process, RecordedSuccessfulJob) {
  TempDir dir;
  auto p = run_process(fixture("ref_successful"), dir.path());
  EXPECT_EQ(p.result.status, "successful");
  EXPECT_EQ(p.result.rc, 0);
  EXPECT_EQ(ansible_runner::process_exit_code(p.result), 0);
  EXPECT_TRUE(p.finished);
  ASSERT_EQ(p.statuses.size(), 3u);
  EXPECT_EQ(p.statuses[0]["status"], "starting");
  EXPECT_EQ(p.result.command.front(), "ansible-playbook");
  std::string art = dir / "artifacts/fixture";
  EXPECT_EQ(list(art + "/job_events").size(), 6u);
  for (const auto& name : list(art + "/job_events")) {
    struct stat st{};
    ASSERT_EQ(::stat((art + "/job_events/" + name).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
  EXPECT_EQ(util::read_file(art + "/rc"), "0");
  EXPECT_NE(p.printed.find("PLAY [all]"), std::string::npos);
  EXPECT_TRUE(p.diagnostics.empty()) << p.diagnostics;
}

TEST(Process, JobEventFilesAreThePythonJsonOfTheEvent) {
  TempDir dir;
  run_process(fixture("ref_successful"), dir.path());
  std::string stream = fixture("ref_successful");
  // The first event line of the stream, byte for byte, is the content of its file.
  auto start = stream.find("{\"uuid\"");
  std::string event_line = stream.substr(start, stream.find('\n', start) - start);
  Json event = Json::parse(event_line);
  std::string file = dir / ("artifacts/fixture/job_events/1-" + event["uuid"].get<std::string>() + ".json");
  EXPECT_EQ(util::read_file(file), event_line);
}

TEST(Process, WithoutIdentArtifactsGoToTheArtifactsDir) {
  TempDir dir;
  run_process(fixture("ref_successful"), dir.path(), nullptr, std::nullopt);
  EXPECT_TRUE(util::exists(dir / "artifacts/rc"));
  EXPECT_EQ(list(dir / "artifacts/job_events").size(), 6u);
}

TEST(Process, EventHandlerDecidesAboutFiles) {
  TempDir dir;
  Handlers h;
  h.on_event = [](const Json&) { return false; };
  auto p = run_process(fixture("ref_successful"), dir.path(), &h);
  EXPECT_EQ(p.events, 6);
  EXPECT_TRUE(list(dir / "artifacts/fixture/job_events").empty());
}

TEST(Process, FailedJobReportsItsRc) {
  TempDir dir;
  auto p = run_process(fixture("ref_failed"), dir.path());
  EXPECT_EQ(p.result.status, "failed");
  EXPECT_EQ(p.result.rc, 2);
  EXPECT_EQ(ansible_runner::process_exit_code(p.result), 2);
}

TEST(Process, BrokenStreamsEndInAnErrorStatus) {
  for (const char* name : {"empty", "truncated_mid_event", "no_eof", "no_zip_no_eof", "bad_zip"}) {
    TempDir dir;
    auto p = run_process(fixture(name), dir.path());
    EXPECT_EQ(p.result.status, "error") << name;
    EXPECT_NE(ansible_runner::process_exit_code(p.result), 0) << name;
    ASSERT_FALSE(p.statuses.empty()) << name;
    EXPECT_EQ(p.statuses.back()["status"], "error") << name;
    EXPECT_TRUE(p.finished) << name;
  }
  TempDir dir;
  auto p = run_process(fixture("truncated_mid_event"), dir.path());
  auto explanation = p.statuses.back()["job_explanation"].get<std::string>();
  EXPECT_TRUE(explanation.starts_with("Failed to JSON parse a line from worker stream. Error: ")) << explanation;
  EXPECT_NE(explanation.find("Line with invalid JSON data: b'{\"uuid\""), std::string::npos) << explanation;
}

TEST(Process, ToleratedDamage) {
  for (const char* name : {"keepalives", "split_16k", "crlf", "blank_lines", "newline_after_payload", "wrapped_payload",
                           "stray_lines", "event_without_counter", "hostile_uuid"}) {
    TempDir dir;
    auto p = run_process(fixture(name), dir.path());
    EXPECT_EQ(p.result.status, "successful") << name << ": " << p.diagnostics;
    EXPECT_EQ(list(dir / "artifacts/fixture/job_events").size(), 6u) << name;
  }
}

TEST(Process, KeepalivesAreNotEvents) {
  TempDir dir;
  auto p = run_process(fixture("keepalives"), dir.path());
  EXPECT_EQ(p.events, 6);
  EXPECT_FALSE(util::exists(dir / "artifacts/fixture/job_events/0-0.json"));
}

TEST(Process, HostileUuidWritesNothingOutside) {
  TempDir dir;
  auto p = run_process(fixture("hostile_uuid"), dir.path());
  EXPECT_FALSE(util::exists("/tmp/ar-hostile-uuid.json"));
  EXPECT_NE(p.diagnostics.find("not a plain file name"), std::string::npos);
}

TEST(Process, ZipEscapeIsRefused) {
  TempDir dir;
  auto p = run_process(fixture("zip_escape"), dir.path());
  EXPECT_EQ(p.result.status, "error");
  EXPECT_FALSE(util::exists("/tmp/ansible-runner-escape-test/file"));
}

TEST(Process, QuietPrintsNothing) {
  TempDir dir;
  auto in = ansible_runner::test::fd_with(fixture("ref_successful"));
  auto out = ansible_runner::stream::make_anonymous_temp_file();
  ProcessOptions options;
  options.private_data_dir = dir.path();
  options.quiet = true;
  options.stdout_fd = out.get();
  ansible_runner::process(in.get(), options);
  EXPECT_EQ(ansible_runner::test::read_all(out.get()), "");
}

// The hooks a language binding uses: the event as its json.dumps text, the text to write back.
TEST(Process, EventJsonHookRewritesOrDropsEventFiles) {
  TempDir dir;
  std::string stream = fixture("ref_successful");
  auto in = ansible_runner::test::fd_with(stream);
  ProcessOptions options;
  options.private_data_dir = dir.path();
  options.ident = "fixture";
  options.quiet = true;
  Handlers handlers;
  int seen = 0;
  handlers.on_event_json = [&](const std::string& text) -> std::optional<std::string> {
    Json event = Json::parse(text);
    if (seen++ % 2 == 1) {
      return std::nullopt;
    }
    event["added"] = 1;
    return event.dump();
  };
  ansible_runner::process(in.get(), options, handlers);
  EXPECT_EQ(seen, 6);
  auto files = list(dir / "artifacts/fixture/job_events");
  ASSERT_EQ(files.size(), 3u);
  for (const auto& name : files) {
    EXPECT_EQ(Json::parse(util::read_file(dir / ("artifacts/fixture/job_events/" + name)))["added"], 1);
  }
}

TEST(Process, ConsoleHookReceivesTheEventStdout) {
  TempDir dir;
  auto in = ansible_runner::test::fd_with(fixture("ref_successful"));
  ProcessOptions options;
  options.private_data_dir = dir.path();
  options.ident = "fixture";
  options.stdout_fd = -1; // nothing may be written to an fd
  Handlers handlers;
  std::string shown;
  handlers.on_console = [&](std::string_view text) { shown += text; };
  ansible_runner::process(in.get(), options, handlers);
  EXPECT_NE(shown.find("PLAY [all]"), std::string::npos);
}

// A buffered reader's bytes come first, then the fd; or a read function instead of an fd.
TEST(Process, StreamInputPendingBytesThenFdOrAReadFunction) {
  std::string stream = fixture("ref_successful");
  size_t cut = stream.size() / 3;
  {
    TempDir dir;
    auto rest = ansible_runner::test::fd_with(stream.substr(cut));
    ansible_runner::StreamInput input;
    input.fd = rest.get();
    input.pending = stream.substr(0, cut);
    ProcessOptions options;
    options.private_data_dir = dir.path();
    options.ident = "fixture";
    options.quiet = true;
    RunResult result = ansible_runner::process(input, options);
    EXPECT_EQ(result.status, "successful");
    EXPECT_EQ(list(dir / "artifacts/fixture/job_events").size(), 6u);
  }
  {
    TempDir dir;
    size_t offset = 0;
    ansible_runner::StreamInput input;
    input.read = [&](char* buffer, size_t size) {
      size_t n = std::min<size_t>({size, 7, stream.size() - offset}); // small, uneven reads
      std::copy_n(stream.data() + offset, n, buffer);
      offset += n;
      return n;
    };
    ProcessOptions options;
    options.private_data_dir = dir.path();
    options.ident = "fixture";
    options.quiet = true;
    EXPECT_EQ(ansible_runner::process(input, options).status, "successful");
  }
  {
    TempDir dir;
    ansible_runner::StreamInput input;
    input.read = [](char*, size_t) -> size_t { throw ansible_runner::Error("the file was closed"); };
    ProcessOptions options;
    options.private_data_dir = dir.path();
    options.quiet = true;
    options.diagnostics_fd = -1;
    EXPECT_EQ(ansible_runner::process(input, options).status, "error");
  }
}
