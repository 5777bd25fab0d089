#pragma once
// Parsing JSON text written by Python. Python's json module writes lone UTF-16 surrogates
// (\udcff: bytes that were not UTF-8, smuggled through surrogateescape) which strict parsers
// such as nlohmann reject. We read each lone surrogate as U+FFFD: our output stays valid
// Unicode, where the reference would pass the surrogate on.
#include <string>
#include <string_view>

#include <ansible_runner/json.hpp>

namespace ansible_runner::util {

// Parses `text`; returns a discarded value (is_discarded()) when it is not JSON.
Json parse_python_json(std::string_view text);

// Rewrites lone surrogate escapes in JSON text to \ufffd; true when something changed.
bool replace_lone_surrogates(std::string& json_text);

} // namespace ansible_runner::util
