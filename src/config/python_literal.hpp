#pragma once
// A subset of Python's ast.literal_eval, for `--role-vars k=v` values: None, True, False,
// numbers, quoted strings, lists, tuples and dicts (as JSON). The reference keeps a value that
// is not a literal as a plain string; so do we.
#include <optional>
#include <string>

#include <ansible_runner/json.hpp>

namespace ansible_runner::config {

// nullopt when `text` is not a (supported) Python literal.
std::optional<Json> parse_python_literal(const std::string& text);

} // namespace ansible_runner::config
