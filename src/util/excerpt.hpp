#pragma once
// Input quoted in an error message, at most about 1 KB of it (docs/security.md, "errors"): a
// hostile line or name must not come back whole on stderr or in a status line.
#include <cstddef>
#include <string>
#include <string_view>

namespace ansible_runner::util {

constexpr size_t k_excerpt_bytes = 1024;

// 'text' when it is short; otherwise its first `limit` bytes (never ending inside a UTF-8
// sequence) as 'start...' followed by " (cut, N bytes)".
std::string quoted_excerpt(std::string_view text, size_t limit = k_excerpt_bytes);

// The same without quotes, for text that a message embeds as it is.
std::string excerpt(std::string_view text, size_t limit = k_excerpt_bytes);

} // namespace ansible_runner::util
