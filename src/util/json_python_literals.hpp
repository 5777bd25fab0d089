#pragma once
// Python's json module reads NaN, Infinity and -Infinity, and reads a number too large for a
// double (1e999) as infinity; it writes the first three for float('nan') and float('inf'). A
// kwargs line or env file written by Python may hold them, and strict JSON parsers (nlohmann)
// refuse all four, and an integer of more than 308 digits too (which Python keeps whole). The text is rewritten with a plain 0 in their place, and the parse puts each
// value back by its position among the text's numbers.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ansible_runner::util {

struct PythonLiteral {
  uint64_t index;       // among the text's number tokens (NaN and the infinities count as numbers)
  double value;         // NaN, or an infinity
  std::string integer;  // or, when set, an integer literal too long for a double (Python keeps it)
};

struct PythonLiterals {
  std::string text;                     // the input, each literal written as 0
  std::vector<PythonLiteral> literals;  // by ascending index
};

// One linear pass over `text`; nullopt when it holds no such literal (nothing is copied).
// Text that is not JSON comes back rewritten or not: the parse that follows refuses it either way.
std::optional<PythonLiterals> replace_python_literals(std::string_view text);

} // namespace ansible_runner::util
