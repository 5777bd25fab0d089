#pragma once
// Python's str() and repr() of JSON-like values. The reference converts every environment
// value with str() (docs/execution.md 2, step 10), so `True` becomes "True", 1.0 becomes "1.0" and a
// mapping becomes "{'a': 1}"; the child must see the same strings.
#include <string>

#include <ansible_runner/json.hpp>

namespace ansible_runner::util {

// str(value): strings unchanged, everything else as repr().
std::string python_str(const Json& value);
// repr(value): None/True/False, quoted strings, [..], {..: ..}.
std::string python_repr(const Json& value);

// Python truthiness: null, false, 0, 0.0, "", [] and {} are false.
bool python_truthy(const Json& value);

} // namespace ansible_runner::util
