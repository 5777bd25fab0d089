#pragma once
// A stream's LineLimits as the parser's JsonLimits (docs/security.md, "Limits").
#include <algorithm>
#include <string>

#include <ansible_runner/streaming.hpp>

#include "util/json_object_builder.hpp"

namespace ansible_runner::stream {

// The depth is held to LineLimits::k_most_depth whatever the caller asks: copying or printing
// a value recurses once per level.
inline util::JsonLimits json_limits(const LineLimits& limits) {
  return util::JsonLimits{static_cast<size_t>(std::min(limits.max_depth, LineLimits::k_most_depth)),
                          limits.max_values, limits.max_string_bytes};
}

// The parser's message and the environment variable that raises the limit it names.
inline std::string describe(const util::JsonLimitError& error) {
  const char* variable = error.limit() == util::JsonLimitError::Limit::depth    ? "ANSIBLE_RUNNER_MAX_JSON_DEPTH"
                         : error.limit() == util::JsonLimitError::Limit::values ? "ANSIBLE_RUNNER_MAX_JSON_VALUES"
                                                                                : "ANSIBLE_RUNNER_MAX_STRING_BYTES";
  return std::string(error.what()) + " (" + variable + " raises the limit)";
}

} // namespace ansible_runner::stream
