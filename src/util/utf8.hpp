#pragma once
// Encoding one code point as UTF-8, for the decoders of escapes (\uXXXX, \x, \U) in Python and
// JSON text. Surrogate code points are encoded as they are (Python's "surrogatepass" form);
// callers decide what a lone surrogate means.
#include <cstdint>
#include <string>
#include <string_view>

namespace ansible_runner::util {

void append_utf8(uint32_t code_point, std::string& out);

// The code unit spelled by the four hex digits (either case) at s[pos], as in a \uXXXX escape;
// -1 when there are not four hex digits there. Inline: the JSON scanners call it per escape.
inline long hex4(std::string_view s, size_t pos) {
  if (pos > s.size() || s.size() - pos < 4) {
    return -1;
  }
  long v = 0;
  for (size_t k = 0; k < 4; ++k) {
    char c = s[pos + k];
    int h = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (h < 0) {
      return -1;
    }
    v = v * 16 + h;
  }
  return v;
}

} // namespace ansible_runner::util
