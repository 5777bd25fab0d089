// Integers beyond 64 bits keep every digit from the text they were parsed from to every writer,
// as Python's unbounded ints do in the reference (docs/security.md, "numbers keep their text").
#include "util/big_integer.hpp"

#include <gtest/gtest.h>

#include "config/python_literal.hpp"
#include "util/json_object_builder.hpp"
#include "util/python_json.hpp"
#include "util/python_repr.hpp"

namespace ansible_runner::util {
namespace {

TEST(BigInteger, ParsedJsonKeepsEveryDigit) {
  Json v = parse_json(R"({"a": 123456789012345678901234567890, "b": -98765432109876543210987654321,)"
                      R"( "c": 18446744073709551615, "d": 18446744073709551616, "e": -0, "f": 1e5, "g": -0.0})");
  EXPECT_EQ(big_integer_text(v["a"]), "123456789012345678901234567890");
  EXPECT_EQ(big_integer_text(v["b"]), "-98765432109876543210987654321");
  EXPECT_TRUE(v["c"].is_number_unsigned()); // still fits 64 bits
  EXPECT_EQ(big_integer_text(v["d"]), "18446744073709551616");
  // Python's json.dumps(json.loads(...)) of the same text:
  EXPECT_EQ(python_dumps(v), R"({"a": 123456789012345678901234567890, "b": -98765432109876543210987654321, )"
                             R"("c": 18446744073709551615, "d": 18446744073709551616, "e": 0, "f": 100000.0, "g": -0.0})");
}

TEST(BigInteger, StrReprAndTruth) {
  Json big = big_integer("-123456789012345678901234567890");
  EXPECT_EQ(python_str(big), "-123456789012345678901234567890");
  EXPECT_EQ(python_repr(Json::array({big})), "[-123456789012345678901234567890]");
  EXPECT_TRUE(python_truthy(big));
  EXPECT_DOUBLE_EQ(big_integer_as_double("123456789012345678901234567890"), 1.2345678901234568e+29);
  EXPECT_FALSE(big_integer_text(Json::binary({1, 2, 3})));
  EXPECT_FALSE(big_integer_text(Json(1.5)));
}

TEST(BigInteger, IntegerLiterals) {
  EXPECT_TRUE(is_integer_literal("123"));
  EXPECT_TRUE(is_integer_literal("-123"));
  EXPECT_FALSE(is_integer_literal("-"));
  EXPECT_FALSE(is_integer_literal(""));
  EXPECT_FALSE(is_integer_literal("1e400"));
  EXPECT_FALSE(is_integer_literal("1.0"));
}

TEST(BigInteger, PythonLiterals) {
  EXPECT_EQ(big_integer_text(*config::parse_python_literal("123456789012345678901234567890")),
            "123456789012345678901234567890");
  EXPECT_EQ(big_integer_text(*config::parse_python_literal("-9223372036854775809")), "-9223372036854775809");
  EXPECT_EQ(*config::parse_python_literal("-9223372036854775807"), Json(-9223372036854775807LL));
}

} // namespace
} // namespace ansible_runner::util
