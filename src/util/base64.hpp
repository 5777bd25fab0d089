#pragma once
// Standard base64 (RFC 4648 alphabet, '=' padding) for small in-memory values. The streaming
// payloads use the chunked coder in stream/ instead.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ansible_runner::util {

// The alphabet, and each byte's value in it (-1 outside it, '=' included); shared with the
// chunked coder of the stream payloads.
inline constexpr char k_base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
inline constexpr std::array<int8_t, 256> k_base64_values = [] {
  std::array<int8_t, 256> values{};
  values.fill(-1);
  for (int i = 0; i < 64; ++i) {
    values[static_cast<unsigned char>(k_base64_alphabet[i])] = static_cast<int8_t>(i);
  }
  return values;
}();

std::string base64_encode(std::string_view data);
// nullopt for characters outside the alphabet or a bad length/padding.
std::optional<std::string> base64_decode(std::string_view text);
// The same, appending to `out`; false (with `out` holding some bytes) on bad input.
bool base64_decode_into(std::string_view text, std::string& out);

} // namespace ansible_runner::util
