// Unpack and line limits of `worker` and `process` from the environment (our extension; the reference
// has none). The node's operator sets them where the worker runs (Receptor's work command,
// the ssh account), since the controller builds the command line.
#pragma once

#include <ansible_runner/streaming.hpp>

namespace ansible_runner::stream {

// ANSIBLE_RUNNER_MAX_UNPACK_BYTES (a byte count, optionally with a K, M, G or T suffix, powers
// of 1024) and ANSIBLE_RUNNER_MAX_UNPACK_FILES (an entry count). Unset or empty: the library's
// defaults. Throws ConfigurationError naming the variable for anything else.
UnpackLimits unpack_limits_from_environment();

// ANSIBLE_RUNNER_MAX_LINE_BYTES and ANSIBLE_RUNNER_MAX_STRING_BYTES (sizes as above),
// ANSIBLE_RUNNER_MAX_JSON_DEPTH (at most LineLimits::k_most_depth) and
// ANSIBLE_RUNNER_MAX_JSON_VALUES (counts): the limits on one line of a stream. Throws
// ConfigurationError naming the variable.
LineLimits line_limits_from_environment();

// The parser behind them, for tests: "10M" -> 10485760. Throws ConfigurationError naming `name`.
uint64_t parse_size(const std::string& name, const std::string& text, bool allow_suffix);

} // namespace ansible_runner::stream
