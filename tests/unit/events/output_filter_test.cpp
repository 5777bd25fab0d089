#include "events/output_filter.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"
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
  OutputFilter filter{[this](FilterEvent& e) {
    ansible_runner::events::parse_frame(e);
    events.push_back(e);
  }};
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

namespace {

// Events as comparable text: kind, counter, lines, stdout and display.
std::vector<std::string> describe(std::vector<FilterEvent>& events) {
  std::vector<std::string> out;
  for (auto& e : events) {
    ansible_runner::events::materialize(e);
    out.push_back(std::string(e.framed ? "framed " + e.frame["uuid"].get<std::string>() : "verbose") + " " +
                  std::to_string(e.counter) + " " + std::to_string(e.start_line) + "-" +
                  std::to_string(e.end_line) + " [" + e.stdout_text + "] [" + e.raw_display.value_or("-") + "]");
  }
  return out;
}

const std::string k_mixed = "warn\r\n\x1b[0;32mgreen\x1b[0m\r" + begin("a") + "\r\nPLAY \x1b[K\r\n" + k_end +
                            "v1\r\nv2\rv3\x0bv4\xc2\x85v5\xe2\x80\xa8" + begin("b") + k_end + "half" + begin("c") +
                            "ok: [h]\r\n" + k_end + "\x1b[K" + "last\r";

} // namespace

TEST(OutputFilter, SameEventsWhereverOneReadEnds) {
  auto whole = run(k_mixed, k_mixed.size());
  auto expected = describe(whole);
  ASSERT_EQ(expected.size(), 12u);
  for (size_t cut = 1; cut < k_mixed.size(); ++cut) {
    if ((static_cast<unsigned char>(k_mixed[cut]) & 0xC0) == 0x80) {
      continue; // the decoder hands on whole characters only
    }
    Collected c;
    c.filter.feed(std::string_view(k_mixed).substr(0, cut));
    c.filter.feed(std::string_view(k_mixed).substr(cut));
    c.filter.finish();
    ASSERT_EQ(describe(c.events), expected) << "cut at " << cut;
  }
  Collected by_character;
  for (size_t i = 0; i < k_mixed.size();) {
    size_t n = 1;
    while (i + n < k_mixed.size() && (static_cast<unsigned char>(k_mixed[i + n]) & 0xC0) == 0x80) {
      ++n;
    }
    by_character.filter.feed(std::string_view(k_mixed).substr(i, n));
    i += n;
  }
  by_character.filter.finish();
  EXPECT_EQ(describe(by_character.events), expected);
}

TEST(OutputFilter, VerboseLinesEndAtEveryPythonLineBreak) {
  auto events = run(k_mixed, k_mixed.size());
  auto got = describe(events);
  EXPECT_EQ(got[0], "verbose 1 0-1 [warn] [warn\r\n]");
  // A last \r before a frame: the line is cut short by the frame, shown as "green\n".
  EXPECT_EQ(got[1], "verbose 2 1-1 [\x1b[0;32mgreen\x1b[0m] [-]");
  EXPECT_TRUE(events[1].cut_by_frame);
  EXPECT_EQ(got[2], "framed a 3 1-3 [\r\nPLAY \x1b[K] [-]");
  EXPECT_EQ(got[3], "verbose 4 3-4 [v1] [v1\r\n]");
  EXPECT_EQ(got[5], "verbose 6 4-4 [v3\x0b] [v3\x0b]");
  EXPECT_EQ(got[7], "verbose 8 4-4 [v5\xe2\x80\xa8] [v5\xe2\x80\xa8]");
  // Cut short by a frame: shown as its text and "\n" (no raw display), as the reference does.
  EXPECT_EQ(got[9], "verbose 10 4-4 [half] [-]");
  EXPECT_TRUE(events[9].cut_by_frame);
  EXPECT_FALSE(events[3].cut_by_frame);
  EXPECT_EQ(got[10], "framed c 11 4-5 [ok: [h]] [-]");
  EXPECT_EQ(got[11], "verbose 12 5-5 [\x1b[Klast] [\x1b[Klast\r]");
}

TEST(OutputFilter, LargeTextsSpillAndKeepEveryByte) {
  ansible_runner::test::TempDir dir;
  std::string big_line(3000, 'x');
  std::string many_lines;
  for (int i = 0; i < 200; ++i) {
    many_lines += "row " + std::to_string(i) + " \xc3\xa9\r\n";
  }
  std::string text = "v\r\n" + big_line + "\r\n" + begin("a") + many_lines + k_end + big_line;
  for (size_t step : {1u, 7u, 4096u}) {
    std::vector<FilterEvent> events;
    std::vector<bool> spilled;
    OutputFilter filter(
        [&](FilterEvent& e) {
          spilled.push_back(e.spilled != nullptr);
          ansible_runner::events::materialize(e);
          ansible_runner::events::parse_frame(e);
          events.push_back(e);
        },
        dir.path(), 1000);
    for (size_t i = 0; i < text.size(); i += step) {
      filter.feed(std::string_view(text).substr(i, step));
    }
    filter.finish();
    ASSERT_EQ(events.size(), 4u) << "step " << step;
    // A long line that arrives in one read is handed on without being held.
    EXPECT_EQ(spilled, (std::vector<bool>{false, step < big_line.size(), true, true})) << "step " << step;
    EXPECT_EQ(events[1].stdout_text, big_line);
    EXPECT_EQ(*events[1].raw_display, big_line + "\r\n");
    EXPECT_EQ(events[1].start_line, 1);
    EXPECT_EQ(events[1].end_line, 2);
    EXPECT_EQ(events[2].stdout_text, many_lines.substr(0, many_lines.size() - 2));
    EXPECT_EQ(events[2].start_line, 2);
    EXPECT_EQ(events[2].end_line, 202);
    EXPECT_EQ(*events[3].raw_display, big_line + "\n"); // last line, unterminated
    EXPECT_EQ(events[3].start_line, 202);
  }
}

// Our plugin's frames carry the JSON itself (ESC _ JSON ESC \); the events are those of the
// same job framed the 2.3 plugin's way, wherever the reads split it, and the two forms mix.
TEST(OutputFilter, JsonFramesGiveTheSameEventsAsBase64Frames) {
  auto json_frame = [](const std::string& json) { return "\x1b_" + json + "\x1b\\"; };
  const std::string first = R"({"uuid": "a", "event": "x", "n": "\u001b[K\u00e9"})";
  const std::string second = R"({"uuid": "b", "event": "y"})";
  const std::string tail = "ok \x1b_ not a frame\r\n";
  const std::string as_base64 = "v\r\n" + frame(first) + "one\r\ntwo\r\n" + k_end + frame(second) + tail + k_end;
  const std::string as_json =
      "v\r\n" + json_frame(first) + "one\r\ntwo\r\n" + json_frame("{}") + json_frame(second) + tail + json_frame("{}");
  const std::string mixed = "v\r\n" + json_frame(first) + "one\r\ntwo\r\n" + k_end + frame(second) + tail + json_frame("{}");
  auto expected = run(as_base64, 4096);
  ASSERT_EQ(expected.size(), 3u);
  EXPECT_EQ(expected[1].frame["n"], "\x1b[K\xc3\xa9");
  EXPECT_EQ(expected[2].stdout_text, "ok \x1b_ not a frame");
  for (const std::string* text : {&as_json, &mixed}) {
    for (size_t step : {1u, 3u, 7u, 4096u}) {
      auto events = run(*text, step);
      ASSERT_EQ(events.size(), expected.size()) << "step " << step;
      for (size_t i = 0; i < events.size(); ++i) {
        EXPECT_EQ(events[i].framed, expected[i].framed) << i << " step " << step;
        EXPECT_EQ(events[i].frame, expected[i].frame) << i << " step " << step;
        EXPECT_EQ(events[i].frame_text, expected[i].frame_text) << i << " step " << step;
        EXPECT_EQ(events[i].stdout_text, expected[i].stdout_text) << i << " step " << step;
        EXPECT_EQ(events[i].start_line, expected[i].start_line) << i << " step " << step;
        EXPECT_EQ(events[i].end_line, expected[i].end_line) << i << " step " << step;
      }
    }
  }
}
