#pragma once
// JSON number tokens as Python's json module reads and writes them.
#include <cstddef>
#include <string>
#include <string_view>

namespace ansible_runner::util {

// The extent of a JSON number token at s[i] (Python's NUMBER_RE): sets `end` past it and whether
// it is a float (has a fraction or an exponent); false when no number starts there.
bool json_number_extent(std::string_view s, size_t i, size_t& end, bool& is_float);

// Python's repr() of the float a JSON number token denotes (float() rounding; out-of-range
// exponents give Infinity or 0.0 as Python does), as json.dumps writes it.
std::string python_float_repr(std::string_view token);

} // namespace ansible_runner::util
