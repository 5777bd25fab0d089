#pragma once
// Standard base64 (RFC 4648 alphabet, '=' padding): incremental coders for payloads of any size
// (they keep at most one incomplete group, so memory stays flat whatever the length), and whole
// values (frames, registry auth) through the same coders.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ansible_runner::util {

// The alphabet, and each byte's value in it (-1 outside it, '=' included).
inline constexpr char k_base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
inline constexpr std::array<int8_t, 256> k_base64_values = [] {
  std::array<int8_t, 256> values{};
  values.fill(-1);
  for (int i = 0; i < 64; ++i) {
    values[static_cast<unsigned char>(k_base64_alphabet[i])] = static_cast<int8_t>(i);
  }
  return values;
}();

class Base64Encoder {
public:
  // Appends the encoding of the complete 3-byte groups of (carry + data) to `out`.
  void feed(std::string_view data, std::string& out);
  // The same into `out`, which has room for max_encoded(data.size()) characters; returns the
  // characters written.
  size_t feed(std::string_view data, char* out);
  static constexpr size_t max_encoded(size_t n) { return (n + 2) / 3 * 4; }
  // Flushes the last 1 or 2 bytes with padding.
  void finish(std::string& out);
  // The same into `out` (room for 4 characters); returns the characters written.
  size_t finish(char* out);

private:
  unsigned char m_carry[3] = {0, 0, 0};
  unsigned m_carry_len = 0;
};

// Strict decoder: only alphabet characters and trailing '=' padding. Whitespace must be removed
// by the caller (the payload reader skips it, as the reference's reader does).
class Base64Decoder {
public:
  // Decodes `text`, appending bytes to `out`. Returns false (and stays failed) on a character
  // outside the alphabet or data after padding.
  bool feed(std::string_view text, std::string& out);

  // The zero-copy form: decodes from the start of `text` into `out` (room for
  // max_decoded(text.size()) bytes) and stops before the first character that is neither in the
  // alphabet nor '=', leaving it to the caller. Returns the characters consumed; `written` gets
  // the bytes stored. Misplaced padding or data after padding fails the decoder (failed()).
  size_t decode_prefix(std::string_view text, char* out, size_t& written);

  // True when the input ended on a group boundary.
  bool finish() const { return !m_failed && m_quad_len == 0; }
  bool failed() const { return m_failed; }

  // Bytes that decoding n characters can produce at most (a pending group included).
  static constexpr size_t max_decoded(size_t n) { return (n + 3) / 4 * 3 + 3; }

private:
  // Feeds one character through the padding state machine. Returns false, without consuming
  // it, for a character outside the alphabet.
  bool step(char c, char*& dst);

  uint32_t m_quad = 0;
  unsigned m_quad_len = 0;
  unsigned m_padding = 0;
  bool m_failed = false;
};

// Number of base64 characters for n bytes: 4 * ceil(n / 3).
constexpr uint64_t base64_length(uint64_t n) { return (n + 2) / 3 * 4; }

std::string base64_encode(std::string_view data);
// nullopt for characters outside the alphabet or a bad length/padding.
std::optional<std::string> base64_decode(std::string_view text);
// The same, appending to `out`; false (with `out` holding some bytes) on bad input.
bool base64_decode_into(std::string_view text, std::string& out);

} // namespace ansible_runner::util
