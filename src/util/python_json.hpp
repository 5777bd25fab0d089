#pragma once
// JSON text exactly as Python's json.dumps() writes it with default settings: separators
// ", " and ": ", non-ASCII escaped as \uXXXX (surrogate pairs above the BMP), floats in
// repr() form. The reference's wire lines and job event files use this form.
#include <string>
#include <string_view>

#include <ansible_runner/json.hpp>

namespace ansible_runner::util {

// Appends the Python-style text of `value` to `out`.
void python_dumps(const Json& value, std::string& out);
std::string python_dumps(const Json& value);

// Python's json.dumps(..., ensure_ascii=False) form: non-ASCII kept as UTF-8 (used by the
// `command` artifact).
void python_dumps_utf8(const Json& value, std::string& out);

// Appends valid UTF-8 `text` as the inside of a json.dumps string (no quotes), for strings
// written in pieces; each piece must end between characters.
void python_dumps_string_body(std::string_view text, std::string& out);

} // namespace ansible_runner::util
