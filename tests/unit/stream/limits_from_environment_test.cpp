#include "stream/limits_from_environment.hpp"

#include <cstdlib>
#include <gtest/gtest.h>
#include <string>

#include <ansible_runner/errors.hpp>

namespace ar = ansible_runner;
using ar::stream::line_limits_from_environment;
using ar::stream::parse_size;

namespace {

// Sets one variable for the test's scope.
class ScopedVariable {
public:
  ScopedVariable(const char* name, const char* value) : m_name(name) { ::setenv(name, value, 1); }
  ~ScopedVariable() { ::unsetenv(m_name); }
  ScopedVariable(const ScopedVariable&) = delete;
  ScopedVariable& operator=(const ScopedVariable&) = delete;

private:
  const char* m_name;
};

std::string error_of(const char* name, const char* value) {
  ScopedVariable set(name, value);
  try {
    line_limits_from_environment();
  } catch (const ar::ConfigurationError& e) {
    return e.what();
  }
  return "";
}

TEST(LimitsFromEnvironment, SizesTakeASuffixCountsDoNot) {
  EXPECT_EQ(parse_size("X", "10M", true), 10u << 20);
  EXPECT_EQ(parse_size("X", "3", false), 3u);
  EXPECT_THROW(parse_size("X", "3K", false), ar::ConfigurationError);
  EXPECT_THROW(parse_size("X", "0", true), ar::ConfigurationError);
  EXPECT_THROW(parse_size("X", "-1", true), ar::ConfigurationError);
  EXPECT_THROW(parse_size("X", "99999999999999999999", true), ar::ConfigurationError);
}

TEST(LimitsFromEnvironment, LineLimitsAreReadAndDefaultWhenUnset) {
  ar::LineLimits defaults = line_limits_from_environment();
  EXPECT_EQ(defaults.max_line_bytes, ar::LineLimits{}.max_line_bytes);
  ScopedVariable line("ANSIBLE_RUNNER_MAX_LINE_BYTES", "1G");
  ScopedVariable depth("ANSIBLE_RUNNER_MAX_JSON_DEPTH", "2000");
  ScopedVariable values("ANSIBLE_RUNNER_MAX_JSON_VALUES", "50");
  ScopedVariable strings("ANSIBLE_RUNNER_MAX_STRING_BYTES", "");
  ar::LineLimits limits = line_limits_from_environment();
  EXPECT_EQ(limits.max_line_bytes, uint64_t{1} << 30);
  EXPECT_EQ(limits.max_depth, 2000u);
  EXPECT_EQ(limits.max_values, 50u);
  EXPECT_EQ(limits.max_string_bytes, ar::LineLimits{}.max_string_bytes);
}

TEST(LimitsFromEnvironment, ABadValueNamesItsVariable) {
  EXPECT_NE(error_of("ANSIBLE_RUNNER_MAX_JSON_DEPTH", "2001").find("ANSIBLE_RUNNER_MAX_JSON_DEPTH: at most 2000"),
            std::string::npos);
  EXPECT_NE(error_of("ANSIBLE_RUNNER_MAX_JSON_VALUES", "many").find("ANSIBLE_RUNNER_MAX_JSON_VALUES: expected"),
            std::string::npos);
  EXPECT_NE(error_of("ANSIBLE_RUNNER_MAX_LINE_BYTES", "1.5M").find("ANSIBLE_RUNNER_MAX_LINE_BYTES"),
            std::string::npos);
}

} // namespace
