#pragma once
// Standard base64 (RFC 4648 alphabet, '=' padding) for small in-memory values. The streaming
// payloads use the chunked coder in stream/ instead.
#include <optional>
#include <string>
#include <string_view>

namespace ansible_runner::util {

std::string base64_encode(std::string_view data);
// nullopt for characters outside the alphabet or a bad length/padding.
std::optional<std::string> base64_decode(std::string_view text);
// The same, appending to `out`; false (with `out` holding some bytes) on bad input.
bool base64_decode_into(std::string_view text, std::string& out);

} // namespace ansible_runner::util
