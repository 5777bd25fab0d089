#include "util/base64.hpp"

#include <gtest/gtest.h>

using ansible_runner::util::base64_decode;
using ansible_runner::util::base64_decode_into;
using ansible_runner::util::base64_encode;

TEST(Base64, RoundTripsEveryLengthAndByte) {
  std::string data;
  for (int i = 0; i < 300; ++i) {
    data.push_back(static_cast<char>(i * 37));
    auto decoded = base64_decode(base64_encode(data));
    ASSERT_TRUE(decoded.has_value()) << i;
    EXPECT_EQ(*decoded, data);
  }
}

TEST(Base64, DecodeIntoAppends) {
  std::string out = "x";
  EXPECT_TRUE(base64_decode_into("e30=", out));
  EXPECT_EQ(out, "x{}");
  EXPECT_TRUE(base64_decode_into("", out));
  EXPECT_EQ(out, "x{}");
}

TEST(Base64, RejectsBadInput) {
  for (const char* bad : {"e30", "e3=0", "=e30", "e!0=", "e30=e30=", "e===", "====", "ab\n="}) {
    std::string out;
    EXPECT_FALSE(base64_decode_into(bad, out)) << bad;
    EXPECT_FALSE(base64_decode(bad).has_value()) << bad;
  }
}
