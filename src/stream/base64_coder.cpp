#include "stream/base64_coder.hpp"

#include <array>

namespace ansible_runner::stream {
namespace {

constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> make_reverse() {
  std::array<int8_t, 256> table{};
  for (auto& v : table) {
    v = -1;
  }
  for (int i = 0; i < 64; ++i) {
    table[static_cast<unsigned char>(k_alphabet[i])] = static_cast<int8_t>(i);
  }
  return table;
}
constexpr auto k_reverse = make_reverse();

// Writes the 4 characters of one 3-byte group at `out`.
void encode_group(const unsigned char* in, char* out) {
  uint32_t v = (uint32_t{in[0]} << 16) | (uint32_t{in[1]} << 8) | in[2];
  out[0] = k_alphabet[(v >> 18) & 63];
  out[1] = k_alphabet[(v >> 12) & 63];
  out[2] = k_alphabet[(v >> 6) & 63];
  out[3] = k_alphabet[v & 63];
}

} // namespace

void Base64Encoder::feed(std::string_view data, std::string& out) {
  auto p = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size();
  // Direct writes into a pre-sized buffer: this loop carries every payload byte.
  size_t pos = out.size();
  out.resize(pos + (n + m_carry_len) / 3 * 4);
  char* dst = out.data() + pos;
  // Complete a group started by an earlier call first.
  while (m_carry_len > 0 && n > 0) {
    m_carry[m_carry_len++] = *p++;
    --n;
    if (m_carry_len == 3) {
      encode_group(m_carry, dst);
      dst += 4;
      m_carry_len = 0;
    }
  }
  for (; n >= 3; n -= 3, p += 3, dst += 4) {
    encode_group(p, dst);
  }
  for (; n > 0; --n) {
    m_carry[m_carry_len++] = *p++;
  }
}

void Base64Encoder::finish(std::string& out) {
  if (m_carry_len == 0) {
    return;
  }
  unsigned char group[3] = {m_carry[0], m_carry_len == 2 ? m_carry[1] : static_cast<unsigned char>(0), 0};
  char chars[4];
  encode_group(group, chars);
  out.append(chars, m_carry_len + 1);
  out.append(3 - m_carry_len, '=');
  m_carry_len = 0;
}

bool Base64Decoder::feed(std::string_view text, std::string& out) {
  if (m_failed) {
    return false;
  }
  size_t pos = out.size();
  out.resize(pos + (text.size() + m_quad_len) / 4 * 3);
  char* dst = out.data() + pos;
  for (char c : text) {
    if (c == '=') {
      // Padding may only fill the last one or two places of a group.
      if (m_quad_len < 2) {
        m_failed = true;
        break;
      }
      ++m_padding;
      m_quad <<= 6;
      ++m_quad_len;
    } else {
      int8_t v = k_reverse[static_cast<unsigned char>(c)];
      if (v < 0 || m_padding > 0) {
        m_failed = true;
        break;
      }
      m_quad = (m_quad << 6) | static_cast<uint32_t>(v);
      ++m_quad_len;
    }
    if (m_quad_len == 4) {
      *dst++ = static_cast<char>((m_quad >> 16) & 0xFF);
      if (m_padding < 2) {
        *dst++ = static_cast<char>((m_quad >> 8) & 0xFF);
      }
      if (m_padding < 1) {
        *dst++ = static_cast<char>(m_quad & 0xFF);
      }
      m_quad = 0;
      m_quad_len = 0;
      if (m_padding > 0) {
        // Nothing may follow a padded group: the next character (data or '=') fails.
        m_padding = 3;
      }
    }
  }
  out.resize(static_cast<size_t>(dst - out.data()));
  return !m_failed;
}

} // namespace ansible_runner::stream
