#include "api/captured_output.hpp"

#include <gtest/gtest.h>

#include "api_test_util.hpp"

using ansible_runner::Handlers;
using ansible_runner::Json;
using ansible_runner::api::CapturedOutput;
using ansible_runner::api::translate_newlines;
using ansible_runner::test::TempDir;

TEST(CapturedOutput, TranslatesNewlinesLikePythonTextMode) {
  EXPECT_EQ("a\nb\nc\n\n", translate_newlines("a\r\nb\rc\n\r\n"));
  EXPECT_EQ("", translate_newlines(""));
}

TEST(CapturedOutput, EventsCountOnAcrossStreamsAndInvalidUtf8IsReplaced) {
  TempDir dir;
  ansible_runner::config::JobConfig config;
  config.ident = "x";
  config.artifact_dir = dir / "artifacts/x";
  config.suppress_output_file = true;
  ansible_runner::artifacts::ArtifactWriter writer(config);
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
