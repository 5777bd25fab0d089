#include "stream/limits_from_environment.hpp"

#include <cerrno>
#include <cstdlib>
#include <limits>
#include <string>

#include <ansible_runner/errors.hpp>

namespace ansible_runner::stream {
namespace {

unsigned suffix_shift(char c) {
  switch (c) {
  case 'K': case 'k': return 10;
  case 'M': case 'm': return 20;
  case 'G': case 'g': return 30;
  case 'T': case 't': return 40;
  default: return 0;
  }
}

} // namespace

uint64_t parse_size(const std::string& name, const std::string& text, bool allow_suffix) {
  auto invalid = [&] {
    return ConfigurationError(name + ": expected a positive whole number" +
                              (allow_suffix ? std::string(" of bytes (suffix K, M, G or T allowed)") : "") +
                              ", got '" + text + "'");
  };
  std::string digits = text;
  unsigned shift = 0;
  if (allow_suffix && !digits.empty() && suffix_shift(digits.back()) != 0) {
    shift = suffix_shift(digits.back());
    digits.pop_back();
  }
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) {
    throw invalid();
  }
  errno = 0;
  unsigned long long value = std::strtoull(digits.c_str(), nullptr, 10);
  if (errno == ERANGE || value == 0 || value > (std::numeric_limits<uint64_t>::max() >> shift)) {
    throw invalid();
  }
  return static_cast<uint64_t>(value) << shift;
}

UnpackLimits unpack_limits_from_environment() {
  UnpackLimits limits;
  if (const char* bytes = std::getenv("ANSIBLE_RUNNER_MAX_UNPACK_BYTES"); bytes && *bytes) {
    limits.max_bytes = parse_size("ANSIBLE_RUNNER_MAX_UNPACK_BYTES", bytes, true);
  }
  if (const char* files = std::getenv("ANSIBLE_RUNNER_MAX_UNPACK_FILES"); files && *files) {
    limits.max_entries = parse_size("ANSIBLE_RUNNER_MAX_UNPACK_FILES", files, false);
  }
  return limits;
}

LineLimits line_limits_from_environment() {
  LineLimits limits;
  auto read = [](const char* name, bool allow_suffix, uint64_t& into) {
    if (const char* text = std::getenv(name); text && *text) {
      into = parse_size(name, text, allow_suffix);
    }
  };
  read("ANSIBLE_RUNNER_MAX_LINE_BYTES", true, limits.max_line_bytes);
  read("ANSIBLE_RUNNER_MAX_JSON_DEPTH", false, limits.max_depth);
  read("ANSIBLE_RUNNER_MAX_JSON_VALUES", false, limits.max_values);
  read("ANSIBLE_RUNNER_MAX_STRING_BYTES", true, limits.max_string_bytes);
  if (limits.max_depth > LineLimits::k_most_depth) {
    throw ConfigurationError("ANSIBLE_RUNNER_MAX_JSON_DEPTH: at most " + std::to_string(LineLimits::k_most_depth) +
                             " (deeper values would exhaust the stack), got " + std::to_string(limits.max_depth));
  }
  return limits;
}

} // namespace ansible_runner::stream
