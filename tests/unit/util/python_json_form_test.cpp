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
           R"({"i": -12, "z": 0, "f": 0.028586, "g": 1e-05, "h": 1e+16, "k": -2.5, "l": 1.0})",
           R"({"t": true, "f": false, "n": null, "l": [], "o": {"x": [[], {}]}})",
       }) {
    EXPECT_TRUE(accepted(text)) << text;
    // and re-encoding the parsed value gives the same bytes
    auto parsed = ansible_runner::util::parse_python_json(text);
    EXPECT_EQ(ansible_runner::util::python_dumps(parsed), text);
  }
}

TEST(PythonJsonForm, RejectsAnyOtherForm) {
  for (const char* text : {
           R"({"a":1})", R"({"a" : 1})", R"({"a": 1,"b": 2})", R"( {"a": 1})", R"({"a": 1} )", R"([1])",
           R"("s")", R"({"a": 1, "a": 2})", R"({"o": {"k": 1, "k": 2}})", R"({"a": "\u0041"})",
           R"({"a": "\u000a"})", R"({"a": "\u00E9"})", R"({"a": "\udcff"})", R"({"a": "\ud83d"})",
           R"({"a": "\/"})", "{\"a\": \"caf\xc3\xa9\"}", "{\"a\": \"\x01\"}", R"({"a": 01})", R"({"a": -0})",
           R"({"a": 1.50})", R"({"a": 1E5})", R"({"a": 100000.0e0})", R"({"a": 1234567890123456789})",
           R"({"a": NaN})", R"({"a": Infinity})", R"({"a": tru})", R"({"a": 1)", R"({"a": "x)", R"({)", "",
       }) {
    EXPECT_FALSE(accepted(text)) << text;
  }
}

TEST(PythonJsonForm, KeysRepeatOnlyInDifferentObjects) {
  EXPECT_TRUE(accepted(R"({"a": {"a": {"a": 1}, "b": 2}, "b": [{"a": 1}, {"a": 2}]})"));
  EXPECT_FALSE(accepted(R"({"a": {"x": {"a": 1}, "x": 2}})"));
  EXPECT_FALSE(accepted(R"({"a": {"x": 1}, "b": 2, "a": 3})"));
}

TEST(PythonJsonForm, LimitsDepth) {
  std::string deep = "{\"a\": " + std::string(200, '[') + std::string(200, ']') + "}";
  EXPECT_FALSE(accepted(deep));
  std::string fine = "{\"a\": " + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_TRUE(accepted(fine));
}
