#include <gtest/gtest.h>

#include <string>

#include "util/json_parse.hpp"

namespace ansible_runner::util {
namespace {

// Found by fuzzing the result stream: an event whose counter was nested 30,000 levels deep
// ran the stack out when the parsed value was copied.
TEST(JsonParse, NestingDeeperThanPythonAcceptsIsRefused) {
  std::string deep = std::string(k_max_json_depth + 1, '[') + std::string(k_max_json_depth + 1, ']');
  std::string ok = std::string(k_max_json_depth, '[') + std::string(k_max_json_depth, ']');
  EXPECT_TRUE(json_nesting_exceeds(deep));
  EXPECT_FALSE(json_nesting_exceeds(ok));
  EXPECT_TRUE(parse_python_json(deep).is_discarded());
  EXPECT_FALSE(parse_python_json(ok).is_discarded());
}

TEST(JsonParse, BracketsInStringsDoNotCount) {
  std::string text = "{\"a\": \"" + std::string(5000, '[') + "\\\"[\"}";
  EXPECT_FALSE(json_nesting_exceeds(text));
  EXPECT_FALSE(parse_python_json(text).is_discarded());
}

} // namespace
} // namespace ansible_runner::util
