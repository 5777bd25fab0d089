#include "events/output_filter.hpp"

#include <gtest/gtest.h>

#include "util/base64.hpp"

using ansible_runner::Json;
using ansible_runner::events::FilterEvent;
using ansible_runner::events::OutputFilter;

namespace {

// A frame as the callback plugin writes it: base64 cut in chunks, each followed by ESC[<n>D.
std::string frame(const std::string& json, size_t chunk = 78) {
  std::string b64 = ansible_runner::util::base64_encode(json);
  std::string out = "\x1b[K";
  for (size_t i = 0; i < b64.size(); i += chunk) {
    std::string part = b64.substr(i, chunk);
    out += part + "\x1b[" + std::to_string(part.size()) + "D";
  }
  return out + "\x1b[K";
}

std::string begin(const std::string& uuid) { return frame(R"({"uuid": ")" + uuid + R"(", "event": "x"})"); }
const std::string k_end = frame("{}");

struct Collected {
  std::vector<FilterEvent> events;
  OutputFilter filter{[this](FilterEvent& e) { events.push_back(e); }};
};

// Feeds `text` in pieces of `step` bytes.
std::vector<FilterEvent> run(const std::string& text, size_t step) {
  Collected c;
  for (size_t i = 0; i < text.size(); i += step) {
    c.filter.feed(std::string_view(text).substr(i, step));
  }
  c.filter.finish();
  return c.events;
}

} // namespace

TEST(OutputFilter, FramedEventOwnsItsText) {
  auto events = run(begin("u1") + "\r\nTASK [x] ***\r\n" + k_end, 4096);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].framed);
  EXPECT_EQ(events[0].frame["uuid"], "u1");
  EXPECT_EQ(events[0].stdout_text, "\r\nTASK [x] ***");
  EXPECT_EQ(events[0].start_line, 0);
  EXPECT_EQ(events[0].end_line, 2);
  EXPECT_EQ(events[0].counter, 1);
}

TEST(OutputFilter, EmptyEventsHaveEqualLines) {
  auto events = run(begin("a") + k_end + begin("b") + "ok\r\n" + k_end, 4096);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].stdout_text, "");
  EXPECT_EQ(events[0].start_line, events[0].end_line);
  EXPECT_EQ(events[1].start_line, 0);
  EXPECT_EQ(events[1].end_line, 1);
}

TEST(OutputFilter, TextOutsideFramesIsVerbosePerLine) {
  auto events = run("one\r\ntwo\r\n" + begin("a") + "x\r\n" + k_end + "tail", 4096);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_FALSE(events[0].framed);
  EXPECT_EQ(events[0].stdout_text, "one");
  EXPECT_EQ(events[1].stdout_text, "two");
  EXPECT_EQ(events[1].start_line, 1);
  EXPECT_TRUE(events[2].framed);
  EXPECT_EQ(events[2].start_line, 2);
  EXPECT_EQ(events[3].stdout_text, "tail");
  EXPECT_EQ(events[3].start_line, 3);
  EXPECT_EQ(events[3].end_line, 3);
}

TEST(OutputFilter, SameEventsWhateverTheChunking) {
  std::string text = "warn\r\n" + begin("a") + "\r\nPLAY\r\n" + k_end + begin("b") + k_end + "v1\r\nv2\rv3\n" +
                     begin("c") + "ok: [h]\r\n" + k_end + "last\r\n";
  auto whole = run(text, text.size());
  for (size_t step : {1u, 2u, 3u, 7u, 64u}) {
    auto pieces = run(text, step);
    ASSERT_EQ(pieces.size(), whole.size()) << "step " << step;
    for (size_t i = 0; i < whole.size(); ++i) {
      EXPECT_EQ(pieces[i].stdout_text, whole[i].stdout_text) << "step " << step << " event " << i;
      EXPECT_EQ(pieces[i].start_line, whole[i].start_line);
      EXPECT_EQ(pieces[i].end_line, whole[i].end_line);
      EXPECT_EQ(pieces[i].framed, whole[i].framed);
    }
  }
}

TEST(OutputFilter, CarriageReturnSplitsVerboseLinesLikePython) {
  auto events = run("a\rb\r\nc\n", 4096);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].stdout_text, "a");
  EXPECT_EQ(events[0].end_line, 0);
  EXPECT_EQ(events[1].stdout_text, "b");
  EXPECT_EQ(events[2].start_line, 1);
  EXPECT_EQ(events[2].end_line, 2);
}

TEST(OutputFilter, BadFramePayloadEndsNoEvent) {
  // Undecodable base64 gives {} (no uuid): the text that follows is verbose.
  auto events = run("\x1b[K!!!!\x1b[4D\x1b[K" + frame("not json") + "x\r\n", 4096);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_FALSE(events[1].framed);
  EXPECT_EQ(events[1].stdout_text, "x");
}

TEST(OutputFilter, StrayEraseLineIsText) {
  auto events = run("progress\x1b[K done\r\n", 4096);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].stdout_text, "progress\x1b[K done");
}

TEST(OutputFilter, RawDisplayKeepsLineEnds) {
  auto events = run("v\r\n", 4096);
  ASSERT_EQ(events.size(), 1u);
  ASSERT_TRUE(events[0].raw_display.has_value());
  EXPECT_EQ(*events[0].raw_display, "v\r\n");
}

TEST(OutputFilter, LoneSurrogatesInFramesBecomeReplacementCharacters) {
  // Python's json.dumps writes undecodable bytes as lone surrogates; the event must survive.
  auto events = run(frame(R"({"uuid": "u", "res": "bad \udcff \ud83d\ude00"})") + "x\r\n" + k_end, 4096);
  ASSERT_EQ(events.size(), 1u);
  ASSERT_TRUE(events[0].framed);
  EXPECT_EQ(events[0].frame["res"], "bad \xEF\xBF\xBD \xF0\x9F\x98\x80");
}
