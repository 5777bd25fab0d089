#pragma once
// Word splitting and quoting as Python's shlex.split() and shlex.quote() do (which differ from a
// POSIX shell: inside double quotes only \" and \\ are escapes).
#include <string>
#include <vector>

namespace ansible_runner::util {

// Splits like shlex.split(s) (posix mode, no comments). Throws ansible_runner::Error
// ("No closing quotation" / "No escaped character") on unbalanced input.
std::vector<std::string> shlex_split(const std::string& s);

// shlex.quote(): the word unchanged when it only has safe characters, else single-quoted.
std::string shlex_quote(const std::string& s);

// shlex.join(): each word quoted, joined by single spaces.
std::string shlex_join(const std::vector<std::string>& words);

} // namespace ansible_runner::util
