#include "util/base64.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace ansible_runner::util {
namespace {

constexpr const char* k_alphabet = k_base64_alphabet;
constexpr const auto& k_reverse = k_base64_values;

// The two characters of every 12-bit value: one lookup per half group.
struct CharPairs {
  char pair[4096][2];
};
constexpr CharPairs make_pairs() {
  CharPairs t{};
  for (int i = 0; i < 4096; ++i) {
    t.pair[i][0] = k_alphabet[i >> 6];
    t.pair[i][1] = k_alphabet[i & 63];
  }
  return t;
}
constexpr CharPairs k_pairs = make_pairs();

// Writes the 4 characters of one 3-byte group at `out`.
void encode_group(const unsigned char* in, char* out) {
  uint32_t v = (uint32_t{in[0]} << 16) | (uint32_t{in[1]} << 8) | in[2];
  std::memcpy(out, k_pairs.pair[v >> 12], 2);
  std::memcpy(out + 2, k_pairs.pair[v & 0xFFF], 2);
}

} // namespace

void Base64Encoder::feed(std::string_view data, std::string& out) {
  size_t pos = out.size();
  out.resize(pos + max_encoded(data.size()));
  out.resize(pos + feed(data, out.data() + pos));
}

size_t Base64Encoder::feed(std::string_view data, char* out) {
  auto p = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size();
  char* dst = out;
  // Complete a group started by an earlier call first.
  if (m_carry_len > 0) {
    size_t take = std::min<size_t>(3 - m_carry_len, n);
    if (take > 0) {
      std::memcpy(m_carry + m_carry_len, p, take);
    }
    m_carry_len += static_cast<unsigned>(take);
    p += take;
    n -= take;
    if (m_carry_len < 3) {
      return 0;
    }
    encode_group(m_carry, dst);
    dst += 4;
    m_carry_len = 0;
  }
  // This loop carries every payload byte.
  for (; n >= 3; n -= 3, p += 3, dst += 4) {
    encode_group(p, dst);
  }
  // 0, 1 or 2 bytes left: kept for the next call.
  if (n > 0) {
    std::memcpy(m_carry, p, n);
  }
  m_carry_len = static_cast<unsigned>(n);
  return static_cast<size_t>(dst - out);
}

void Base64Encoder::finish(std::string& out) {
  char chars[4];
  out.append(chars, finish(chars));
}

size_t Base64Encoder::finish(char* out) {
  if (m_carry_len == 0) {
    return 0;
  }
  unsigned char group[3] = {m_carry[0], m_carry_len == 2 ? m_carry[1] : static_cast<unsigned char>(0), 0};
  encode_group(group, out);
  for (unsigned i = m_carry_len + 1; i < 4; ++i) {
    out[i] = '=';
  }
  m_carry_len = 0;
  return 4;
}

bool Base64Decoder::feed(std::string_view text, std::string& out) {
  if (m_failed) {
    return false;
  }
  size_t pos = out.size();
  out.resize(pos + max_decoded(text.size()));
  size_t written = 0;
  size_t used = decode_prefix(text, out.data() + pos, written);
  out.resize(pos + written);
  if (used < text.size()) {
    m_failed = true; // a character outside the alphabet
  }
  return !m_failed;
}

size_t Base64Decoder::decode_prefix(std::string_view text, char* out, size_t& written) {
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  char* dst = out;
  size_t i = 0;
  while (i < n && !m_failed) {
    // Whole groups with no pending state: four lookups, one sign test. This loop carries
    // every payload byte; the state machine below only sees padding, groups split across
    // calls and the character that stops the run.
    if (m_quad_len == 0 && m_padding == 0) {
      while (i + 4 <= n) {
        int32_t a = k_reverse[in[i]];
        int32_t b = k_reverse[in[i + 1]];
        int32_t c = k_reverse[in[i + 2]];
        int32_t d = k_reverse[in[i + 3]];
        if ((a | b | c | d) < 0) {
          break;
        }
        uint32_t v = (static_cast<uint32_t>(a) << 18) | (static_cast<uint32_t>(b) << 12) |
                     (static_cast<uint32_t>(c) << 6) | static_cast<uint32_t>(d);
        dst[0] = static_cast<char>(v >> 16);
        dst[1] = static_cast<char>(v >> 8);
        dst[2] = static_cast<char>(v);
        dst += 3;
        i += 4;
      }
      if (i == n) {
        break;
      }
    }
    if (!step(static_cast<char>(in[i]), dst)) {
      break;
    }
    ++i;
  }
  written = static_cast<size_t>(dst - out);
  return i;
}

bool Base64Decoder::step(char c, char*& dst) {
  if (c == '=') {
    // Padding may only fill the last one or two places of a group.
    if (m_quad_len < 2 || m_padding >= 3) {
      m_failed = true;
      return true;
    }
    ++m_padding;
    m_quad <<= 6;
    ++m_quad_len;
  } else {
    int8_t v = k_reverse[static_cast<unsigned char>(c)];
    if (v < 0) {
      return false;
    }
    if (m_padding > 0) {
      m_failed = true;
      return true;
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
  return true;
}

std::string base64_encode(std::string_view data) {
  std::string out;
  Base64Encoder encoder;
  encoder.feed(data, out);
  encoder.finish(out);
  return out;
}

bool base64_decode_into(std::string_view text, std::string& out) {
  Base64Decoder decoder;
  return decoder.feed(text, out) && decoder.finish();
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  if (!base64_decode_into(text, out)) {
    return std::nullopt;
  }
  return out;
}

} // namespace ansible_runner::util
