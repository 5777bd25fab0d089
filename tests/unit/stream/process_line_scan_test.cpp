#include "stream/process_line_scan.hpp"
#include "util/python_json_form.hpp"

#include <gtest/gtest.h>

using ansible_runner::stream::append_decoded_string;
using ansible_runner::util::python_json_normalize;
using ansible_runner::stream::scan_line;
using ansible_runner::stream::simple_str;

namespace {

// (input, json.dumps(json.loads(input)) as Python 3 gives it)
const std::pair<const char*, const char*> k_python_round_trips[] = {
    {R"({"a": 1})", R"({"a": 1})"},
    {R"({"a":1})", R"({"a": 1})"},
    {R"({"a": "\u00e9"})", R"({"a": "\u00e9"})"},
    {"{\"a\": \"\xC3\xA9\"}", R"({"a": "\u00e9"})"},
    {R"({"a": "\u00E9"})", R"({"a": "\u00e9"})"},
    {R"({"a": "\udcff"})", R"({"a": "\udcff"})"},
    {R"({"a": "\ud83d\ude00"})", R"({"a": "\ud83d\ude00"})"},
    {"{\"a\": \"\xF0\x9F\x98\x80\"}", R"({"a": "\ud83d\ude00"})"},
    {R"({"a": 1e5})", R"({"a": 100000.0})"},
    {R"({"a": 1.0})", R"({"a": 1.0})"},
    {R"({"a": 1.10})", R"({"a": 1.1})"},
    {R"({"a": 1E400})", R"({"a": Infinity})"},
    {R"({"a": -1e-400})", R"({"a": -0.0})"},
    {R"({"a": 123456789012345678901234567890})", R"({"a": 123456789012345678901234567890})"},
    {R"({"a": -0})", R"({"a": 0})"},
    {R"({"a": -0.0})", R"({"a": -0.0})"},
    {R"({"a": 1, "b": 2, "a": 3})", R"({"a": 3, "b": 2})"},
    {R"({"b": 1, "a": 2})", R"({"b": 1, "a": 2})"},
    {R"({"a": NaN, "b": Infinity, "c": -Infinity})", R"({"a": NaN, "b": Infinity, "c": -Infinity})"},
    {R"({"a": "\/"})", R"({"a": "/"})"},
    {R"({"a": "\u0041"})", R"({"a": "A"})"},
    {R"({"a": "\u007f"})", R"({"a": "\u007f"})"},
    {"{\"a\": \"\x7F\"}", R"({"a": "\u007f"})"},
    {R"({"a": "\u001f\u0008"})", R"({"a": "\u001f\b"})"},
    {R"({"a": 1e16})", R"({"a": 1e+16})"},
    {R"({"a": 1e15})", R"({"a": 1000000000000000.0})"},
    {R"({"a": 0.0001})", R"({"a": 0.0001})"},
    {R"({"a": 0.00001})", R"({"a": 1e-05})"},
    {R"( { "a" : [ 1 , 2 ] } )", R"({"a": [1, 2]})"},
    {R"({"a": [], "b": {}})", R"({"a": [], "b": {}})"},
    {R"({"a": true, "b": false, "c": null})", R"({"a": true, "b": false, "c": null})"},
    {R"({"a": "\ud83d"})", R"({"a": "\ud83d"})"},
    {R"({"a": "\ude00\ud83d"})", R"({"a": "\ude00\ud83d"})"},
    {R"({"a": 1.5e300})", R"({"a": 1.5e+300})"},
    {R"({"a": 0.1})", R"({"a": 0.1})"},
};

TEST(ProcessLineScan, NormalizesAsPythonRoundTrips) {
  for (const auto& [input, python] : k_python_round_trips) {
    std::optional<std::string> got = python_json_normalize(input);
    ASSERT_TRUE(got) << input;
    EXPECT_EQ(*got, python) << input;
  }
}

TEST(ProcessLineScan, CanonicalExactlyWhenTheRoundTripKeepsTheBytes) {
  for (const auto& [input, python] : k_python_round_trips) {
    EXPECT_EQ(scan_line(input).canonical, std::string(input) == python) << input;
    EXPECT_TRUE(scan_line(python).canonical) << python;
  }
}

TEST(ProcessLineScan, RefusesWhatJsonLoadsRefuses) {
  for (const char* bad : {"", "{", R"({"a": 1,})", R"({"a": 01})", R"({"a": "x)", "{\"a\": \"\x01\"}",
                          "{\"a\": \"\xFF\"}", "{\"a\": \"\xC0\x80\"}", R"({"a": "\x"})", R"({"a": 1} x)",
                          R"({"a": tru})", R"({"a": -})", R"({'a': 1})"}) {
    EXPECT_FALSE(python_json_normalize(bad)) << bad;
    EXPECT_FALSE(scan_line(bad).canonical) << bad;
  }
}

TEST(ProcessLineScan, NotCanonicalWhenNotAnObject) {
  EXPECT_FALSE(scan_line("[1, 2]").canonical);
  EXPECT_FALSE(scan_line(R"("x")").canonical);
  EXPECT_FALSE(scan_line(R"({"a": 1}  )").canonical);
}

TEST(ProcessLineScan, FindsTopLevelMembersOnly) {
  auto scan = scan_line(
      R"({"uuid": "u-1", "counter": 12, "stdout": "a\nb", "event_data": {"status": 1, "counter": 3}, "event": "x"})");
  ASSERT_TRUE(scan.canonical);
  EXPECT_EQ(scan.uuid, R"("u-1")");
  EXPECT_EQ(scan.counter, "12");
  EXPECT_EQ(scan.stdout_text, R"("a\nb")");
  EXPECT_EQ(scan.event, R"("x")");
  EXPECT_FALSE(scan.has_status);
  EXPECT_FALSE(scan.has_zipfile);
  EXPECT_FALSE(scan.has_eof);
  EXPECT_TRUE(scan_line(R"({"status": "running"})").has_status);
  EXPECT_TRUE(scan_line(R"({"zipfile": 10})").has_zipfile);
  EXPECT_TRUE(scan_line(R"({"eof": true})").has_eof);
}

TEST(ProcessLineScan, DuplicateKeysAreNotCanonicalEvenInBigObjects) {
  std::string many = "{";
  for (int i = 0; i < 40; ++i) {
    many += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ", ";
  }
  EXPECT_TRUE(scan_line(many + "\"z\": 0}").canonical);
  EXPECT_FALSE(scan_line(many + "\"k3\": 0}").canonical);
  EXPECT_FALSE(scan_line(R"({"a": {"b": 1, "b": 2}})").canonical);
  EXPECT_TRUE(scan_line(R"({"a": {"b": 1}, "b": 2})").canonical); // same key, other object
}

TEST(ProcessLineScan, DecodesStringsToUtf8) {
  std::string out;
  EXPECT_TRUE(append_decoded_string(R"("a\"\\\n\t\u00e9\ud83d\ude00\u001f")", out));
  EXPECT_EQ(out, "a\"\\\n\t\xC3\xA9\xF0\x9F\x98\x80\x1F");
  std::string lone;
  EXPECT_FALSE(append_decoded_string(R"("x\udcff")", lone));
  EXPECT_FALSE(append_decoded_string(R"("x\ud83d")", lone));
  EXPECT_FALSE(append_decoded_string(R"("x\ud83dy")", lone));
}

TEST(ProcessLineScan, SimpleStrOfIntegersAndPlainStrings) {
  EXPECT_EQ(simple_str("42"), "42");
  EXPECT_EQ(simple_str(R"("abc-1")"), "abc-1");
  EXPECT_FALSE(simple_str(R"("a\nb")"));
  EXPECT_FALSE(simple_str("1.5"));
  EXPECT_FALSE(simple_str("null"));
  EXPECT_FALSE(simple_str(""));
}

} // namespace

TEST(ProcessLineScan, NotCanonicalPastALimit) {
  using ansible_runner::util::JsonLimits;
  const std::string line = R"({"a": [[1, 2]], "s": "abcd"})"; // 3 levels, 6 values, strings of 4
  EXPECT_TRUE(scan_line(line, JsonLimits{.max_depth = 3, .max_values = 6, .max_string_bytes = 4}).canonical);
  EXPECT_FALSE(scan_line(line, JsonLimits{.max_depth = 2}).canonical);
  EXPECT_FALSE(scan_line(line, JsonLimits{.max_values = 5}).canonical);
  EXPECT_FALSE(scan_line(line, JsonLimits{.max_string_bytes = 3}).canonical);
}
