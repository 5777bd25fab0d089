#pragma once
// Integers beyond 64 bits. Python's are unbounded, so the reference keeps every digit of an
// integer `ident` or extravar (docs/security.md, "numbers keep their text"); nlohmann's JSON
// has no such type and would make them doubles. The decimal text rides in a binary value of
// a subtype of ours, which every writer here (python_dumps, python_repr, the Python module)
// prints as the integer it is.
#include <cstdint>
#include <optional>
#include <string_view>

#include <ansible_runner/json.hpp>

namespace ansible_runner::util {

inline constexpr std::uint64_t k_big_integer_subtype = 0xB1;

// `decimal` must be an integer literal ([-]digits).
Json big_integer(std::string_view decimal);

// The decimal text of a value made by big_integer(); nullopt for every other value.
std::optional<std::string_view> big_integer_text(const Json& value);

// The nearest double, as Python's float(int) (timeouts and other numeric options).
double big_integer_as_double(std::string_view decimal);

// True for [-]digits: the JSON number text nlohmann turns into a double only because the
// integer does not fit 64 bits.
bool is_integer_literal(std::string_view text);

} // namespace ansible_runner::util
