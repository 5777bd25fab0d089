#pragma once
// Incremental base64 (standard alphabet, '=' padding) for payloads of any size: the coder keeps
// at most one incomplete group, so memory stays flat whatever the payload length.
#include <cstdint>
#include <string>
#include <string_view>

namespace ansible_runner::stream {

class Base64Encoder {
public:
  // Appends the encoding of the complete 3-byte groups of (carry + data) to `out`.
  void feed(std::string_view data, std::string& out);
  // Flushes the last 1 or 2 bytes with padding.
  void finish(std::string& out);

private:
  unsigned char m_carry[3] = {0, 0, 0};
  unsigned m_carry_len = 0;
};

// Strict decoder: only alphabet characters and trailing '=' padding. Whitespace must be removed
// by the caller (the payload reader does, as the reference's reader skips it).
class Base64Decoder {
public:
  // Decodes `text`, appending bytes to `out`. Returns false (and stays failed) on a character
  // outside the alphabet or data after padding.
  bool feed(std::string_view text, std::string& out);
  // True when the input ended on a group boundary.
  bool finish() const { return !m_failed && m_quad_len == 0; }
  bool failed() const { return m_failed; }

private:
  uint32_t m_quad = 0;
  unsigned m_quad_len = 0;
  unsigned m_padding = 0;
  bool m_failed = false;
};

// Number of base64 characters for n bytes: 4 * ceil(n / 3).
constexpr uint64_t base64_length(uint64_t n) { return (n + 2) / 3 * 4; }

} // namespace ansible_runner::stream
