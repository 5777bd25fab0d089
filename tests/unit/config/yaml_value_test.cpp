#include <gtest/gtest.h>

#include "config/yaml_value.hpp"

#include <limits>

#include "util/big_integer.hpp"

namespace ansible_runner::config {
namespace {

TEST(YamlValue, PlainScalarsResolveLikePyYaml) {
  EXPECT_EQ(resolve_plain_scalar("yes"), Json(true));
  EXPECT_EQ(resolve_plain_scalar("Off"), Json(false));
  EXPECT_EQ(resolve_plain_scalar("~"), Json(nullptr));
  EXPECT_EQ(resolve_plain_scalar(""), Json(nullptr));
  EXPECT_EQ(resolve_plain_scalar("017"), Json(15));
  EXPECT_EQ(resolve_plain_scalar("0x1F"), Json(31));
  EXPECT_EQ(resolve_plain_scalar("0b101"), Json(5));
  EXPECT_EQ(resolve_plain_scalar("1_000"), Json(1000));
  EXPECT_EQ(resolve_plain_scalar("1:30"), Json(90));
  EXPECT_EQ(resolve_plain_scalar("-7"), Json(-7));
  EXPECT_EQ(resolve_plain_scalar("1.5e+3"), Json(1500.0));
  EXPECT_EQ(resolve_plain_scalar(".5"), Json(0.5));
  EXPECT_EQ(resolve_plain_scalar("1."), Json(1.0));
  // YAML 1.1 needs a dot and a signed exponent for a float; these stay strings.
  EXPECT_EQ(resolve_plain_scalar("1.5e3"), Json("1.5e3"));
  EXPECT_EQ(resolve_plain_scalar("0o17"), Json("0o17"));
  EXPECT_EQ(resolve_plain_scalar("2020-01-01"), Json("2020-01-01"));
  EXPECT_TRUE(std::isinf(resolve_plain_scalar("-.inf").get<double>()));
}

TEST(YamlValue, HugeIntegerKeepsItsDigits) {
  EXPECT_EQ(resolve_plain_scalar("123456789012345678901234567890"), util::big_integer("123456789012345678901234567890"));
  EXPECT_EQ(resolve_plain_scalar("-9_223_372_036_854_775_809"), util::big_integer("-9223372036854775809"));
  EXPECT_EQ(resolve_plain_scalar("-9223372036854775808"), Json(std::numeric_limits<int64_t>::min()));
  // Other bases beyond 64 bits stay the text they were written as.
  EXPECT_EQ(resolve_plain_scalar("0x1ffffffffffffffff"), Json("0x1ffffffffffffffff"));
}

TEST(YamlValue, QuotedScalarsStayStrings) {
  YamlError error;
  auto value = parse_yaml("a: 'yes'\nb: \"017\"\nc: !!str 5\n", error);
  ASSERT_TRUE(value);
  EXPECT_EQ((*value)["a"], Json("yes"));
  EXPECT_EQ((*value)["b"], Json("017"));
  EXPECT_EQ((*value)["c"], Json("5"));
}

TEST(YamlValue, MappingKeepsOrderAndLastDuplicateWins) {
  YamlError error;
  auto value = parse_yaml("z: 1\na: 2\nz: 3\n", error);
  ASSERT_TRUE(value);
  EXPECT_EQ(value->dump(), R"({"z":3,"a":2})");
}

TEST(YamlValue, NonStringKeysAreStringified) {
  YamlError error;
  auto value = parse_yaml("1: a\ntrue: b\n~: c\n", error);
  ASSERT_TRUE(value);
  EXPECT_EQ(value->dump(), R"({"1":"a","True":"b","None":"c"})");
}

TEST(YamlValue, MergeKeys) {
  YamlError error;
  auto value = parse_yaml("base: &b {x: 1, y: 2}\nchild:\n  <<: *b\n  y: 3\n", error);
  ASSERT_TRUE(value);
  EXPECT_EQ((*value)["child"]["x"], Json(1));
  EXPECT_EQ((*value)["child"]["y"], Json(3));
}

TEST(YamlValue, SyntaxErrorReportsLine) {
  YamlError error;
  EXPECT_FALSE(parse_yaml("ok: 1\nbad: [1, 2\nmore: x\n", error));
  EXPECT_GE(error.line, 2);
  EXPECT_FALSE(error.message.empty());
}

TEST(YamlValue, SeveralDocumentsAreRejected) {
  YamlError error;
  EXPECT_FALSE(parse_yaml("a: 1\n---\nb: 2\n", error));
  EXPECT_EQ(error.line, 3); // where the second document's content starts
}

TEST(YamlValue, EmptyDocumentIsNull) {
  YamlError error;
  auto value = parse_yaml("", error);
  ASSERT_TRUE(value);
  EXPECT_TRUE(value->is_null());
}

// Found by fuzzing env files: std::stod threw out of parse_yaml for these.
TEST(YamlValue, OutOfRangeFloatsAreInfinityOrZeroLikePython) {
  EXPECT_TRUE(std::isinf(resolve_plain_scalar("1.0e+999").get<double>()));
  EXPECT_TRUE(std::isinf(resolve_plain_scalar("-1.0e+999").get<double>()));
  EXPECT_EQ(resolve_plain_scalar("1.0e-999"), Json(0.0));
}

// Found by fuzzing env files: a self-referencing alias recursed until the stack ran out.
TEST(YamlValue, RecursiveAliasIsAnError) {
  YamlError error;
  EXPECT_FALSE(parse_yaml("x: &a [*a]\n", error));
  EXPECT_NE(error.message.find("deeper than"), std::string::npos) << error.message;
}

// Found by fuzzing env files: nested aliases expanded to 10^9 values ("billion laughs").
TEST(YamlValue, AliasExpansionIsBounded) {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) {
      text += (k ? ", " : "") + prev;
    }
    text += "]\n";
  }
  YamlError error;
  EXPECT_FALSE(parse_yaml(text, error));
  EXPECT_NE(error.message.find("expands to more than"), std::string::npos) << error.message;
  // A few levels of the same thing are fine.
  EXPECT_TRUE(parse_yaml("a: &a [x, x]\nb: [*a, *a]\n", error));
}

// Found by fuzzing env files: yaml-cpp takes exponential time on nested complex keys; PyYAML
// refuses any key that is a list or mapping ("found unhashable key"), and so do we, first.
TEST(YamlValue, CollectionKeysAreRefusedQuickly) {
  YamlError error;
  std::string nested;
  for (int i = 0; i < 200; ++i) {
    nested += "? ";
  }
  EXPECT_FALSE(parse_yaml(nested, error));
  EXPECT_NE(error.message.find("unhashable key"), std::string::npos) << error.message;
  EXPECT_FALSE(parse_yaml("? [a, b]\n: c\n", error));
  EXPECT_FALSE(parse_yaml("x: &l [1]\ny:\n  *l : 2\n", error));
  EXPECT_EQ(error.line, 3);
  // Scalar keys, collection values and scalar aliases as keys are fine.
  auto value = parse_yaml("k: &s name\n*s : [1, {a: b}]\n? plain\n: 2\n", error);
  ASSERT_TRUE(value) << error.message;
  EXPECT_EQ(value->dump(), R"({"k":"name","name":[1,{"a":"b"}],"plain":2})");
}

// Found by fuzzing env files: yaml-cpp 0.7 loops for ever on a stray comma at block level.
TEST(YamlValue, StrayCommaIsAnErrorNotAnEndlessLoop) {
  YamlError error;
  EXPECT_FALSE(parse_yaml(",", error));
  EXPECT_FALSE(parse_yaml(",\n\"a\n", error));
  EXPECT_EQ(error.line, 1);
  EXPECT_NE(error.message.find("unexpected character"), std::string::npos) << error.message;
}

} // namespace
} // namespace ansible_runner::config
