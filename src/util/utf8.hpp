#pragma once
// Encoding one code point as UTF-8, for the decoders of escapes (\uXXXX, \x, \U) in Python and
// JSON text. Surrogate code points are encoded as they are (Python's "surrogatepass" form);
// callers decide what a lone surrogate means.
#include <cstdint>
#include <string>

namespace ansible_runner::util {

void append_utf8(uint32_t code_point, std::string& out);

} // namespace ansible_runner::util
