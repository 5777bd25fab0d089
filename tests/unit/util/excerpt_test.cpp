#include "util/excerpt.hpp"

#include <gtest/gtest.h>

namespace util = ansible_runner::util;

TEST(Excerpt, ShortTextIsQuotedWhole) {
  EXPECT_EQ(util::quoted_excerpt("abc"), "'abc'");
  EXPECT_EQ(util::excerpt("abc"), "abc");
  EXPECT_EQ(util::quoted_excerpt(std::string(1024, 'x')), "'" + std::string(1024, 'x') + "'");
}

TEST(Excerpt, LongTextIsCutAndSaysSo) {
  std::string text(50 * 1024 * 1024, 'x');
  std::string out = util::quoted_excerpt(text);
  EXPECT_EQ(out, "'" + std::string(1024, 'x') + "...' (cut, 52428800 bytes)");
  EXPECT_EQ(util::excerpt(text, 4), "xxxx... (cut, 52428800 bytes)");
}

TEST(Excerpt, NeverEndsInsideAUtf8Sequence) {
  std::string text = "ab\xC3\xA9" "cd"; // "abécd"
  EXPECT_EQ(util::excerpt(text, 3), "ab... (cut, 6 bytes)");
  EXPECT_EQ(util::excerpt(text, 4), "ab\xC3\xA9... (cut, 6 bytes)");
}
