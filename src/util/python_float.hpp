#pragma once
// Python's float() of a str, the one text-to-double conversion for values a user or a Python
// program wrote (kwargs given as text, literal_eval'd command lines, YAML floats): out of range
// gives infinity or 0.0 as in Python, where std::stod throws.
#include <optional>
#include <string_view>

namespace ansible_runner::util {

// Surrounding whitespace, a sign, decimal digits with single underscores between them, an
// optional fraction and exponent; or inf, infinity, nan in any case. nullopt where Python
// raises ValueError (hex floats, "1__0", "", "."...).
std::optional<double> python_float(std::string_view text);

} // namespace ansible_runner::util
