#pragma once
// Parsing JSON text written by Python. Python's json module writes lone UTF-16 surrogates
// (\udcff: bytes that were not UTF-8, smuggled through surrogateescape) which strict parsers
// such as nlohmann reject. We read each lone surrogate as U+FFFD: our output stays valid
// Unicode, where the reference would pass the surrogate on.
#include <string>
#include <string_view>

#include <ansible_runner/json.hpp>

#include "util/json_object_builder.hpp"

namespace ansible_runner::util {

// Python's json module gives up (RecursionError) on values nested deeper than about 1000
// levels. We refuse them too: copying or printing such a value recurses once per level, and a
// stream line of `[[[[...` would otherwise run the stack out.
inline constexpr size_t k_max_json_depth = 1000;

// True when arrays/objects in `text` nest deeper than `max_depth` (brackets inside strings do
// not count). A linear scan, meant to run before parsing untrusted text.
bool json_nesting_exceeds(std::string_view text, size_t max_depth = k_max_json_depth);

// Bounds for text from outside when no others are given: Python's nesting limit.
inline constexpr JsonLimits k_default_json_limits{k_max_json_depth};

// Parses `text`; returns a discarded value (is_discarded()) when it is not JSON or is past
// `limits`.
Json parse_python_json(std::string_view text, const JsonLimits& limits = k_default_json_limits);

// Rewrites lone surrogate escapes in JSON text to \ufffd; true when something changed.
bool replace_lone_surrogates(std::string& json_text);

} // namespace ansible_runner::util
