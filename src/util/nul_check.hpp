#pragma once
// NUL characters in input that becomes paths or command-line arguments (docs/security.md,
// "NUL"). The kernel reads such strings only up to the NUL, so "ident": "a\u0000b" would name
// the artifact dir "a": refused instead, before anything is written.
#include <optional>
#include <string>
#include <string_view>

#include <ansible_runner/json.hpp>

namespace ansible_runner::util {

// Where the first NUL in `value` is, keys included: `root` followed by the keys and indexes
// down to it ("kwargs.extravars.x[2]"); nullopt when there is none. Linear in the value's size.
std::optional<std::string> find_nul(const Json& value, const std::string& root);

inline bool has_nul(std::string_view text) {
  return text.find('\0') != std::string_view::npos;
}

} // namespace ansible_runner::util
