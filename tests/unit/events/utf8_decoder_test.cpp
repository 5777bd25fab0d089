#include "events/utf8_decoder.hpp"

#include <gtest/gtest.h>

using ansible_runner::events::Utf8Decoder;

namespace {
std::string decode_in_pieces(const std::string& bytes, size_t step) {
  Utf8Decoder d;
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += step) {
    d.decode(std::string_view(bytes).substr(i, step), out);
  }
  d.finish(out);
  return out;
}
const std::string k_fffd = "\xEF\xBF\xBD";
} // namespace

TEST(Utf8Decoder, ValidTextPassesWhateverTheChunking) {
  std::string s = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 ok";
  for (size_t step = 1; step < 6; ++step) {
    EXPECT_EQ(decode_in_pieces(s, step), s);
  }
}

TEST(Utf8Decoder, InvalidBytesBecomeReplacementLikePython) {
  // b"\xff\xfe".decode("utf-8", "replace") == "\ufffd\ufffd"
  EXPECT_EQ(decode_in_pieces("a\xFF\xFE" "b", 1), "a" + k_fffd + k_fffd + "b");
  // A truncated 3-byte sequence followed by ASCII: one replacement (maximal subpart).
  EXPECT_EQ(decode_in_pieces("\xE2\x82" "A", 1), k_fffd + "A");
  // Surrogates are invalid: each byte after the lead fails the range check.
  EXPECT_EQ(decode_in_pieces("\xED\xA0\x80", 3), k_fffd + k_fffd + k_fffd);
  // Truncated at the very end.
  EXPECT_EQ(decode_in_pieces("x\xF0\x9F", 2), "x" + k_fffd);
}
