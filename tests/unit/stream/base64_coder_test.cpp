#include "stream/base64_coder.hpp"

#include <gtest/gtest.h>
#include <random>

#include "util/base64.hpp"

using ansible_runner::stream::Base64Decoder;
using ansible_runner::stream::Base64Encoder;
using ansible_runner::stream::base64_length;

namespace {

std::string random_bytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) {
    c = static_cast<char>(rng() & 0xFF);
  }
  return out;
}

// Encodes `data` fed in pieces of `step` bytes.
std::string encode_in_steps(const std::string& data, size_t step) {
  Base64Encoder enc;
  std::string out;
  for (size_t i = 0; i < data.size(); i += step) {
    enc.feed(std::string_view(data).substr(i, step), out);
  }
  enc.finish(out);
  return out;
}

} // namespace

TEST(Base64Coder, EncodesLikeTheReferenceWhateverTheChunking) {
  for (size_t n : {0u, 1u, 2u, 3u, 4u, 5u, 100u, 1000u, 4097u}) {
    std::string data = random_bytes(n, static_cast<unsigned>(n));
    std::string expected = ansible_runner::util::base64_encode(data);
    for (size_t step : {1u, 2u, 3u, 7u, 1024u}) {
      EXPECT_EQ(encode_in_steps(data, step), expected) << n << " bytes in steps of " << step;
    }
    EXPECT_EQ(expected.size(), base64_length(n));
  }
}

TEST(Base64Coder, DecodesInAnyChunking) {
  std::string data = random_bytes(1001, 7);
  std::string text = ansible_runner::util::base64_encode(data);
  for (size_t step : {1u, 3u, 4u, 5u, 999u}) {
    Base64Decoder dec;
    std::string out;
    for (size_t i = 0; i < text.size(); i += step) {
      ASSERT_TRUE(dec.feed(std::string_view(text).substr(i, step), out));
    }
    EXPECT_TRUE(dec.finish());
    EXPECT_EQ(out, data);
  }
}

TEST(Base64Coder, PaddingRules) {
  std::string out;
  Base64Decoder ok;
  EXPECT_TRUE(ok.feed("QQ==", out));
  EXPECT_TRUE(ok.finish());
  EXPECT_EQ(out, "A");

  for (const char* bad : {"Q===", "=QQQ", "QQ=Q", "QQ==QQ==", "QQ==Q"}) {
    Base64Decoder dec;
    std::string sink;
    bool fed = dec.feed(bad, sink);
    EXPECT_FALSE(fed && dec.finish()) << bad;
  }
}

TEST(Base64Coder, RefusesCharactersOutsideTheAlphabet) {
  // Python's non-validating b64decode would silently drop these; we do not guess.
  for (const char* bad : {"QU!C", "QU C", "QU-_", "QUJD\n"}) {
    Base64Decoder dec;
    std::string sink;
    EXPECT_FALSE(dec.feed(bad, sink)) << bad;
    EXPECT_TRUE(dec.failed());
  }
}

TEST(Base64Coder, IncompleteGroupIsNotFinished) {
  Base64Decoder dec;
  std::string out;
  EXPECT_TRUE(dec.feed("QUJ", out));
  EXPECT_FALSE(dec.finish());
}
