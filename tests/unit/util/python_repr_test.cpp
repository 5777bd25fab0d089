#include <gtest/gtest.h>

#include "util/python_repr.hpp"

namespace ansible_runner::util {
namespace {

TEST(PythonRepr, StrOfScalars) {
  EXPECT_EQ(python_str(Json("x")), "x");
  EXPECT_EQ(python_str(Json(true)), "True");
  EXPECT_EQ(python_str(Json(nullptr)), "None");
  EXPECT_EQ(python_str(Json(3)), "3");
  EXPECT_EQ(python_str(Json(1.0)), "1.0");
  EXPECT_EQ(python_str(Json(1e20)), "1e+20");
}

TEST(PythonRepr, ContainersUsePythonRepr) {
  EXPECT_EQ(python_str(Json::parse(R"({"a": [1, "x", null, false]})")), "{'a': [1, 'x', None, False]}");
  EXPECT_EQ(python_repr(Json("it's")), "\"it's\"");
  EXPECT_EQ(python_repr(Json("a'b\"c")), "'a\\'b\"c'");
  EXPECT_EQ(python_repr(Json("tab\there\n")), "'tab\\there\\n'");
  EXPECT_EQ(python_repr(Json("caf\xc3\xa9")), "'caf\xc3\xa9'");
}

TEST(PythonRepr, Truthiness) {
  EXPECT_FALSE(python_truthy(Json(nullptr)));
  EXPECT_FALSE(python_truthy(Json(0)));
  EXPECT_FALSE(python_truthy(Json("")));
  EXPECT_FALSE(python_truthy(Json::object()));
  EXPECT_TRUE(python_truthy(Json("0")));
  EXPECT_TRUE(python_truthy(Json::array({0})));
}

} // namespace
} // namespace ansible_runner::util
