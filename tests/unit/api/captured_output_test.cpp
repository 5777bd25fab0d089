#include "api/captured_output.hpp"
#include "api/job_lifecycle.hpp"

#include <map>
#include <utility>

#include <gtest/gtest.h>

#include "api_test_util.hpp"
#include "util/base64.hpp"
#include "util/dir_listing.hpp"

using ansible_runner::Handlers;
using ansible_runner::Json;
using ansible_runner::api::CapturedOutput;
using ansible_runner::api::translate_newlines;
using ansible_runner::test::TempDir;

namespace {

// A job "x" whose artifacts go under `dir`.
ansible_runner::config::JobConfig job_in(const TempDir& dir) {
  ansible_runner::config::JobConfig config;
  config.ident = "x";
  config.artifact_dir = dir / "artifacts/x";
  return config;
}

} // namespace

TEST(CapturedOutput, TranslatesNewlinesLikePythonTextMode) {
  EXPECT_EQ("a\nb\nc\n\n", translate_newlines("a\r\nb\rc\n\r\n"));
  EXPECT_EQ("", translate_newlines(""));
}

TEST(CapturedOutput, EventsCountOnAcrossStreamsAndInvalidUtf8IsReplaced) {
  TempDir dir;
  ansible_runner::config::JobConfig config = job_in(dir);
  config.suppress_output_file = true;
  ansible_runner::artifacts::ArtifactWriter writer(ansible_runner::api::artifact_settings(config));
  writer.prepare();
  std::vector<Json> events;
  Handlers handlers;
  handlers.on_event = [&](const Json& e) {
    events.push_back(e);
    return false;
  };
  CapturedOutput captured(config, handlers, writer);
  std::string out_text;
  std::string err_text;
  captured.feed_stream("one\r\ntwo \xff\n", [&](std::string_view t) { out_text += t; });
  captured.feed_stream("last without newline", [&](std::string_view t) { err_text += t; });
  ASSERT_EQ(3u, events.size());
  EXPECT_EQ(1, events[0]["counter"]);
  EXPECT_EQ("two \xEF\xBF\xBD", events[1]["stdout"]);
  EXPECT_EQ(3, events[2]["counter"]);
  EXPECT_EQ(0, events[2]["start_line"]);
  EXPECT_EQ("one\ntwo \xEF\xBF\xBD\n", out_text);
  EXPECT_EQ("last without newline\n", err_text);
}

namespace {

// Our callback's frame around `json`: ESC[K, base64 in pieces with cursor moves back, ESC[K.
std::string frame(const std::string& json) {
  std::string b64 = ansible_runner::util::base64_encode(json);
  return "\x1b[K" + b64 + "\x1b[" + std::to_string(b64.size()) + "D\x1b[K";
}

// The job_events/ files and the display text of one captured stream.
std::pair<std::map<std::string, std::string>, std::string> capture(const std::string& bytes, const Handlers& handlers,
                                                                    bool json_mode) {
  TempDir dir;
  ansible_runner::config::JobConfig config = job_in(dir);
  config.json_mode = json_mode;
  ansible_runner::artifacts::ArtifactWriter writer(ansible_runner::api::artifact_settings(config));
  writer.prepare();
  CapturedOutput captured(config, handlers, writer);
  std::string shown;
  captured.feed_stream(bytes, [&](std::string_view t) { shown += t; });
  std::map<std::string, std::string> files;
  std::vector<ansible_runner::util::DirEntry> entries =
      ansible_runner::util::list_directory(writer.job_events_dir()).value_or(std::vector<ansible_runner::util::DirEntry>{});
  for (const auto& entry : entries) {
    if (entry.name.starts_with("1-") || entry.name.starts_with("3-")) {
      continue; // the verbose events around it: their uuids and times are new each run
    }
    files[entry.name] = ansible_runner::util::read_file(writer.job_events_dir() + "/" + entry.name);
  }
  return {files, shown};
}

} // namespace

// Without an event handler our callback's events are spliced from the frame's text; with one,
// built as a JSON tree. A consumer sees the same files and text either way.
TEST(CapturedOutput, SplicedAndBuiltEventsAreTheSame) {
  const std::string begin = frame(R"({"uuid": "5e1f0c2a-0000-4000-8000-000000000001", "event": "runner_on_ok", )"
                                  R"("pid": 7, "created": "2026-12-07T00:00:00.000000", )"
                                  R"("event_data": {"host": "h\u00e9", "task": "t", "n": 1.5}})");
  const std::string bytes = "before\n" + begin + "ok: [h\xc3\xa9]\r\n" + frame("{}") + "after\n";
  Handlers handlers;
  handlers.on_event = [](const Json&) { return true; };
  for (bool json_mode : {false, true}) {
    auto spliced = capture(bytes, Handlers{}, json_mode);
    auto built = capture(bytes, handlers, json_mode);
    ASSERT_EQ(1u, spliced.first.size());
    EXPECT_EQ(spliced.first, built.first) << json_mode;
    EXPECT_EQ(spliced.second, built.second) << json_mode;
  }
}
