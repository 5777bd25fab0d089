#include "util/base64.hpp"

#include <array>
#include <cstdint>

namespace ansible_runner::util {
namespace {

constexpr const char* k_alphabet = k_base64_alphabet;
constexpr const auto& k_table = k_base64_values;

} // namespace

std::string base64_encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t v = (static_cast<uint8_t>(data[i]) << 16) | (static_cast<uint8_t>(data[i + 1]) << 8) |
                 static_cast<uint8_t>(data[i + 2]);
    out += k_alphabet[(v >> 18) & 63];
    out += k_alphabet[(v >> 12) & 63];
    out += k_alphabet[(v >> 6) & 63];
    out += k_alphabet[v & 63];
  }
  size_t rest = data.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<uint8_t>(data[i]) << 16;
    if (rest == 2) {
      v |= static_cast<uint8_t>(data[i + 1]) << 8;
    }
    out += k_alphabet[(v >> 18) & 63];
    out += k_alphabet[(v >> 12) & 63];
    out += rest == 2 ? k_alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool base64_decode_into(std::string_view text, std::string& out) {
  if (text.size() % 4 != 0) {
    return false;
  }
  if (text.empty()) {
    return true;
  }
  // Padding only in the last group's last two places.
  size_t pad = text.back() == '=' ? (text[text.size() - 2] == '=' ? 2 : 1) : 0;
  const size_t base = out.size();
  out.resize(base + text.size() / 4 * 3);
  auto* dst = reinterpret_cast<unsigned char*>(out.data() + base);
  const auto* src = reinterpret_cast<const unsigned char*>(text.data());
  const size_t full = text.size() / 4 - (pad > 0 ? 1 : 0);
  int bad = 0; // any negative table value (not in the alphabet, '=' included) marks bad input
  for (size_t g = 0; g < full; ++g, src += 4, dst += 3) {
    int a = k_table[src[0]];
    int b = k_table[src[1]];
    int c = k_table[src[2]];
    int d = k_table[src[3]];
    bad |= a | b | c | d;
    uint32_t v = (static_cast<uint32_t>(a) << 18) | (static_cast<uint32_t>(b) << 12) |
                 (static_cast<uint32_t>(c) << 6) | static_cast<uint32_t>(d);
    dst[0] = static_cast<unsigned char>(v >> 16);
    dst[1] = static_cast<unsigned char>(v >> 8);
    dst[2] = static_cast<unsigned char>(v);
  }
  if (pad > 0) {
    int a = k_table[src[0]];
    int b = k_table[src[1]];
    int c = pad == 1 ? k_table[src[2]] : 0;
    bad |= a | b | c;
    uint32_t v = (static_cast<uint32_t>(a) << 18) | (static_cast<uint32_t>(b) << 12) | (static_cast<uint32_t>(c) << 6);
    dst[0] = static_cast<unsigned char>(v >> 16);
    if (pad == 1) {
      dst[1] = static_cast<unsigned char>(v >> 8);
    }
    out.resize(out.size() - pad);
  }
  return bad >= 0;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  if (!base64_decode_into(text, out)) {
    return std::nullopt;
  }
  return out;
}

} // namespace ansible_runner::util
