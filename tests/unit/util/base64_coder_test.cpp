#include "util/base64.hpp"

#include <gtest/gtest.h>
#include <optional>
#include <random>
#include <vector>

#include "stream/stream_reader.hpp"

#include "util/base64.hpp"

using ansible_runner::util::Base64Decoder;
using ansible_runner::util::Base64Encoder;
using ansible_runner::util::base64_length;

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

namespace {

// Decodes `text` through decode_prefix() cut at `cut`, skipping whitespace between runs as the
// payload reader does. nullopt when the decoder refuses the text.
std::optional<std::string> decode_split(const std::string& text, size_t cut) {
  Base64Decoder dec;
  std::string out;
  for (std::string_view part : {std::string_view(text).substr(0, cut), std::string_view(text).substr(cut)}) {
    while (!part.empty()) {
      std::string buf(Base64Decoder::max_decoded(part.size()), '\0');
      size_t written = 0;
      size_t used = dec.decode_prefix(part, buf.data(), written);
      out.append(buf.data(), written);
      if (dec.failed()) {
        return std::nullopt;
      }
      part.remove_prefix(used);
      if (!part.empty()) {
        if (!ansible_runner::stream::is_payload_whitespace(part.front())) {
          return std::nullopt;
        }
        part.remove_prefix(1);
      }
    }
  }
  if (!dec.finish()) {
    return std::nullopt;
  }
  return out;
}

} // namespace

TEST(Base64Coder, QuadDecoderMatchesTheKnownVectorsAtEverySplit) {
  // RFC 4648 vectors, whitespace inside and between groups, and padding.
  const std::vector<std::pair<std::string, std::string>> good = {
      {"", ""},         {"Zg==", "f"},         {"Zm8=", "fo"},           {"Zm9v", "foo"},
      {"Zm9vYg==", "foob"}, {"Zm9vYmE=", "fooba"}, {"Zm9vYmFy", "foobar"}, {"Zm 9v\nYm\tFy", "foobar"},
      {"Zm9v\r\nYmFy\n", "foobar"}, {"Z\fm\v9vYg==", "foob"}, {"Zm9vYg==  \n", "foob"},
  };
  for (const auto& [text, bytes] : good) {
    for (size_t cut = 0; cut <= text.size(); ++cut) {
      auto got = decode_split(text, cut);
      ASSERT_TRUE(got.has_value()) << text << " cut at " << cut;
      EXPECT_EQ(*got, bytes) << text << " cut at " << cut;
    }
  }
  for (const std::string bad : {"Zm9v!mFy", "Zm9vYmF-", "Zg=", "Z===", "Zg==Zg==", "Zg=a", "=Zg=", "Zm9vY",
                                "Zm9vYg==Z", "Zm9vYg===", "Zm9\0vYmFy"}) {
    for (size_t cut = 0; cut <= bad.size(); ++cut) {
      EXPECT_FALSE(decode_split(bad, cut).has_value()) << bad << " cut at " << cut;
    }
  }
}

TEST(Base64Coder, QuadDecoderStopsAtTheFirstNonAlphabetCharacter) {
  Base64Decoder dec;
  char out[32];
  size_t written = 0;
  EXPECT_EQ(dec.decode_prefix("Zm9vYmFy Zm9v", out, written), 8u);
  EXPECT_EQ(std::string(out, written), "foobar");
  EXPECT_FALSE(dec.failed());
  EXPECT_EQ(dec.decode_prefix("Zm9 vYmFy", out, written), 3u) << "stops inside a group";
  EXPECT_EQ(written, 0u);
  EXPECT_FALSE(dec.finish());
}

TEST(Base64Coder, BulkEncodingMatchesGroupByGroup) {
  std::string data = random_bytes(100003, 3);
  std::string expected = ansible_runner::util::base64_encode(data);
  Base64Encoder enc;
  std::string out(Base64Encoder::max_encoded(data.size()) + 4, '\0');
  size_t n = enc.feed(std::string_view(data).substr(0, 50001), out.data());
  n += enc.feed(std::string_view(data).substr(50001), out.data() + n);
  n += enc.finish(out.data() + n);
  out.resize(n);
  EXPECT_EQ(out, expected);
}
