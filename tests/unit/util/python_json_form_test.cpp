#include "util/json_number.hpp"
#include "util/python_json_form.hpp"

#include <gtest/gtest.h>

#include "util/json_parse.hpp"
#include "util/python_json.hpp"

using ansible_runner::util::RawMember;
using ansible_runner::util::scan_python_dumps_object;

namespace {

bool accepted(std::string_view text) {
  std::vector<RawMember> members;
  return scan_python_dumps_object(text, members);
}

} // namespace

TEST(PythonJsonForm, ListsTopLevelMembersAsRawText) {
  std::vector<RawMember> members;
  std::string_view text = R"({"uuid": "u-1", "n": [1, {"a": null, "b": {"a": 1}}], "e": {}})";
  ASSERT_TRUE(scan_python_dumps_object(text, members));
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members[0].key(text), "\"uuid\"");
  EXPECT_EQ(members[0].value(text), "\"u-1\"");
  EXPECT_EQ(members[1].value(text), R"([1, {"a": null, "b": {"a": 1}}])");
  EXPECT_EQ(members[2].key(text), "\"e\"");
  EXPECT_EQ(members[2].value(text), "{}");
}

TEST(PythonJsonForm, AcceptsWhatJsonDumpsWrites) {
  for (const char* text : {
           R"({})",
           R"({"a": "caf\u00e9 \ud83d\ude00 \u001b[0m \u007f \"q\" \\ \n\r\t\b\f /"})",
           R"({"i": -12, "z": 0, "f": 0.028586, "g": 1e-05, "h": 1e+16, "k": -2.5, "l": 1.0, "m": -0.0})",
           R"({"t": true, "f": false, "n": null, "l": [], "o": {"x": [[], {}]}})",
       }) {
    EXPECT_TRUE(accepted(text)) << text;
    // and re-encoding the parsed value gives the same bytes
    auto parsed = ansible_runner::util::parse_python_json(text);
    EXPECT_EQ(ansible_runner::util::python_dumps(parsed), text);
  }
}

// Python's json.loads + json.dumps keep these bytes (checked with Python 3.11), though a strict
// JSON library cannot hold them; the reference writes them so in event files and wire lines.
TEST(PythonJsonForm, AcceptsWhatOnlyPythonKeeps) {
  for (const char* text : {
           R"({"a": 123456789012345678901234567890, "b": -98765432109876543210, "c": 1234567890123456789})",
           R"({"a": "\udcff", "b": "\ud83d", "c": "x\ude00\ud83dy", "d": "\ud83d\ud83d\ude00"})",
           R"({"a": NaN, "b": Infinity, "c": -Infinity, "d": [NaN, {"e": -Infinity}]})",
       }) {
    EXPECT_TRUE(accepted(text)) << text;
  }
}

TEST(PythonJsonForm, RejectsAnyOtherForm) {
  // Each of these is either not JSON for json.loads or comes back from json.dumps changed.
  for (const char* text : {
           R"({"a":1})", R"({"a" : 1})", R"({"a": 1,"b": 2})", R"( {"a": 1})", R"({"a": 1} )", R"([1])",
           R"("s")", R"({"a": 1, "a": 2})", R"({"o": {"k": 1, "k": 2}})", R"({"a": "\u0041"})",
           R"({"a": "\u000a"})", R"({"a": "\u00E9"})", R"({"a": "\uD83D"})", R"({"a": "\u12"})",
           R"({"a": "\/"})", "{\"a\": \"caf\xc3\xa9\"}", "{\"a\": \"\x01\"}", R"({"a": 01})", R"({"a": -0})",
           R"({"a": 1.50})", R"({"a": 1E5})", R"({"a": 100000.0e0})", R"({"a": 1e400})", R"({"a": -})",
           R"({"a": nan})", R"({"a": -Inf})", R"({"a": tru})", R"({"a": 1)", R"({"a": "x)", R"({)", "",
       }) {
    EXPECT_FALSE(accepted(text)) << text;
  }
}

TEST(PythonJsonForm, KeysRepeatOnlyInDifferentObjects) {
  EXPECT_TRUE(accepted(R"({"a": {"a": {"a": 1}, "b": 2}, "b": [{"a": 1}, {"a": 2}]})"));
  EXPECT_FALSE(accepted(R"({"a": {"x": {"a": 1}, "x": 2}})"));
  EXPECT_FALSE(accepted(R"({"a": {"x": 1}, "b": 2, "a": 3})"));
}

TEST(PythonJsonForm, FindsRepeatedKeysInBigObjects) {
  std::string many = "{";
  for (int i = 0; i < 40; ++i) {
    many += "\"k" + std::to_string(i) + "\": {\"k1\": " + std::to_string(i) + "}, ";
  }
  EXPECT_TRUE(accepted(many + "\"z\": 0}"));
  EXPECT_FALSE(accepted(many + "\"k3\": 0}"));   // repeats a key among the first ones
  EXPECT_FALSE(accepted(many + "\"k39\": 0}"));  // repeats one found after the linear search stops
  EXPECT_TRUE(accepted("{\"o\": " + many + "\"z\": 0}, \"k1\": 1}")); // k1 of another object
}

TEST(PythonJsonForm, LimitsDepth) {
  std::string deep = "{\"a\": " + std::string(600, '[') + std::string(600, ']') + "}";
  EXPECT_FALSE(accepted(deep));
  std::string fine = "{\"a\": " + std::string(500, '[') + std::string(500, ']') + "}";
  EXPECT_TRUE(accepted(fine));
}

TEST(PythonJsonForm, NumberExtentFollowsPythonsNumberPattern) {
  struct Case {
    const char* text;
    size_t end;
    bool is_float;
  };
  for (const Case& c : {Case{"0", 1, false}, Case{"-12,", 3, false}, Case{"01", 1, false}, Case{"1.5e+3]", 6, true},
                        Case{"1.", 1, false}, Case{"1e", 1, false}, Case{"2E-7", 4, true}, Case{"-0.0", 4, true}}) {
    size_t end = 0;
    bool is_float = false;
    ASSERT_TRUE(ansible_runner::util::json_number_extent(c.text, 0, end, is_float)) << c.text;
    EXPECT_EQ(end, c.end) << c.text;
    EXPECT_EQ(is_float, c.is_float) << c.text;
  }
  size_t end = 0;
  bool is_float = false;
  EXPECT_FALSE(ansible_runner::util::json_number_extent("-x", 0, end, is_float));
  EXPECT_FALSE(ansible_runner::util::json_number_extent(".5", 0, end, is_float));
}

TEST(PythonJsonForm, FloatReprIsPythons) {
  EXPECT_EQ(ansible_runner::util::python_float_repr("1e5"), "100000.0");
  EXPECT_EQ(ansible_runner::util::python_float_repr("0.00001"), "1e-05");
  EXPECT_EQ(ansible_runner::util::python_float_repr("1E400"), "Infinity");
  EXPECT_EQ(ansible_runner::util::python_float_repr("-1e-400"), "-0.0");
}
