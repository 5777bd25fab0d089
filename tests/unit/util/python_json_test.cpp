#include "util/python_json.hpp"

#include <gtest/gtest.h>

using ansible_runner::Json;
using ansible_runner::util::python_dumps;

TEST(PythonJson, SeparatorsAndOrder) {
  Json j = Json::object();
  j["b"] = 1;
  j["a"] = Json::array({1, "x", nullptr, true});
  EXPECT_EQ(python_dumps(j), R"({"b": 1, "a": [1, "x", null, true]})");
}

TEST(PythonJson, EscapesNonAsciiLikePython) {
  Json j = "caf\xc3\xa9 \xf0\x9f\x98\x80 \x1b[0m\x7f";
  EXPECT_EQ(python_dumps(j), R"("caf\u00e9 \ud83d\ude00 \u001b[0m\u007f")");
}

TEST(PythonJson, FloatsAsPythonRepr) {
  EXPECT_EQ(python_dumps(Json(0.028586)), "0.028586");
  EXPECT_EQ(python_dumps(Json(1.0)), "1.0");
  EXPECT_EQ(python_dumps(Json(1e-05)), "1e-05");
  EXPECT_EQ(python_dumps(Json(0.0001)), "0.0001");
  EXPECT_EQ(python_dumps(Json(1e16)), "1e+16");
  EXPECT_EQ(python_dumps(Json(123456789012345.6)), "123456789012345.6");
  EXPECT_EQ(python_dumps(Json(-2.5)), "-2.5");
}

TEST(PythonJson, Utf8FormKeepsNonAscii) {
  std::string out;
  ansible_runner::util::python_dumps_utf8(Json("caf\xc3\xa9"), out);
  EXPECT_EQ(out, "\"caf\xc3\xa9\"");
}

TEST(PythonJson, StringBodyInPiecesEqualsTheWholeString) {
  using ansible_runner::util::python_dumps_string_body;
  std::string text = "plain \"q\" \\ \t\r\n\x01\x7f caf\xc3\xa9 \xf0\x9f\x98\x80 end";
  std::string whole = python_dumps(Json(text));
  std::string body;
  python_dumps_string_body(std::string_view(text).substr(0, 20), body);
  python_dumps_string_body(std::string_view(text).substr(20), body);
  EXPECT_EQ("\"" + body + "\"", whole);
  EXPECT_EQ(whole, R"("plain \"q\" \\ \t\r\n\u0001\u007f caf\u00e9 \ud83d\ude00 end")");
}
