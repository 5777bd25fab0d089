#include "events/event_builder.hpp"

#include <cmath>
#include <gtest/gtest.h>

#include "util/python_json.hpp"
#include "util/python_json_form.hpp"

using ansible_runner::Json;
using ansible_runner::events::FilterEvent;

namespace {

FilterEvent framed(const std::string& frame_text, const std::string& stdout_text) {
  FilterEvent e;
  e.framed = true;
  e.frame_text = frame_text;
  EXPECT_TRUE(ansible_runner::util::scan_python_dumps_object(frame_text, e.frame_members)) << frame_text;
  e.stdout_text = stdout_text;
  e.counter = 7;
  e.start_line = 3;
  e.end_line = 5;
  return e;
}

} // namespace

TEST(EventBuilder, SplicedTextEqualsTheTreeBuiltEvent) {
  for (const std::string frame : {
           R"({"event": "runner_on_ok", "pid": 12, "uuid": "u-1", "created": "2026-01-01T00:00:00", "parent_uuid": "p", "event_data": {"res": {"msg": "caf\u00e9", "f": 0.5, "l": [1, null]}}})",
           R"({"uuid": "u-2", "event": "playbook_on_start", "event_data": {}})",
       }) {
    FilterEvent a = framed(frame, "ok: [h] \"q\" \xc3\xa9\r\nnext");
    std::string spliced;
    std::string uuid;
    ASSERT_TRUE(ansible_runner::events::splice_event(a, "ident", spliced, uuid)) << frame;
    FilterEvent b = framed(frame, a.stdout_text);
    Json event = ansible_runner::events::build_event(b, "ident", "/nonexistent");
    std::string built = ansible_runner::util::python_dumps(event);
    // `created` is added last, with the current time, when the frame has none.
    if (frame.find("created") == std::string::npos) {
      auto at = built.find("\"created\": ");
      ASSERT_NE(at, std::string::npos);
      EXPECT_EQ(spliced.substr(0, at), built.substr(0, at));
      EXPECT_EQ(spliced.find("\"created\": "), at);
    } else {
      EXPECT_EQ(spliced, built);
    }
    EXPECT_EQ(uuid, event["uuid"]);
  }
}

TEST(EventBuilder, SplicingLeavesSpecialFramesToTheTree) {
  for (const std::string frame : {
           R"({"uuid": "only-uuid"})",                        // data waits in a partial file
           R"({"uuid": "u", "stdout": "mine"})",              // would overwrite the runner's key
           R"({"uuid": "u", "counter": 1})",
           R"({"uuid": "caf\u00e9", "event": "x"})",          // escapes in the file name
           R"({"uuid": 5, "event": "x"})",
       }) {
    FilterEvent e = framed(frame, "text");
    std::string out;
    std::string uuid;
    EXPECT_FALSE(ansible_runner::events::splice_event(e, "ident", out, uuid)) << frame;
  }
}

// Python keeps NaN, big integers and lone surrogates through json.loads + json.dumps, so the
// splice writes them as they came; the tree (event handlers) gets what it can hold.
TEST(EventBuilder, FramesWithValuesOnlyPythonKeeps) {
  const std::string frame =
      R"({"uuid": "u-3", "event": "runner_on_ok", "event_data": {"x": NaN}, "n": 123456789012345678901234567890, "s": "\udcff"})";
  FilterEvent a = framed(frame, "text");
  std::string spliced;
  std::string uuid;
  ASSERT_TRUE(ansible_runner::events::splice_event(a, "ident", spliced, uuid));
  EXPECT_EQ(uuid, "u-3");
  EXPECT_NE(spliced.find(R"(, "event": "runner_on_ok", "event_data": {"x": NaN}, "n": 123456789012345678901234567890, "s": "\udcff")"),
            std::string::npos)
      << spliced;

  FilterEvent b = framed(frame, "text");
  Json event = ansible_runner::events::build_event(b, "ident", "/nonexistent");
  EXPECT_EQ(event["uuid"], "u-3");
  EXPECT_EQ(event["event"], "runner_on_ok");
  EXPECT_EQ(event["stdout"], "text");
  EXPECT_TRUE(std::isnan(event["event_data"]["x"].get<double>())); // read as Python's json reads it
  EXPECT_EQ(event["s"], "\xEF\xBF\xBD");      // U+FFFD (util/json_parse.hpp)
}
