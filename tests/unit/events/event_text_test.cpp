#include "events/event_text.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

using ansible_runner::events::EventText;

TEST(EventText, CountsLinesAndTrailingLineEnds) {
  EventText text;
  text.append("a\r\nb");
  text.append("\r");
  text.append("\n\n");
  EXPECT_EQ(text.size(), 7u);
  EXPECT_EQ(text.newlines(), 3);
  EXPECT_EQ(text.stripped_size(), 4u);
  EXPECT_FALSE(text.spilled());
  EXPECT_EQ(text.memory(), "a\r\nb\r\n\n");
  text.append("x");
  EXPECT_EQ(text.stripped_size(), 8u);
  text.clear();
  EXPECT_TRUE(text.empty());
  EXPECT_EQ(text.newlines(), 0);
}

TEST(EventText, SpillsBeyondItsLimitAndReadsBackWhole) {
  ansible_runner::test::TempDir dir;
  EventText text(16, dir.path());
  std::string expected;
  for (int i = 0; i < 50000; ++i) {
    std::string line = "line " + std::to_string(i) + " caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\r\n";
    text.append(line);
    expected += line;
  }
  EXPECT_TRUE(text.spilled());
  EXPECT_EQ(text.newlines(), 50000);
  EXPECT_EQ(text.read_all(text.size()), expected);
  // Pieces end between characters, whatever the piece size.
  std::string joined;
  text.read(text.stripped_size(), [&](std::string_view piece) {
    ASSERT_FALSE(piece.empty());
    EXPECT_NE(static_cast<unsigned char>(piece.back()) & 0xC0, 0xC0u);
    joined.append(piece);
  });
  EXPECT_EQ(joined, expected.substr(0, expected.size() - 2));
  text.clear();
  EXPECT_FALSE(text.spilled());
  EXPECT_EQ(text.read_all(10), "");
}

TEST(EventText, StaysInMemoryWithoutASpillDir) {
  EventText text(4);
  text.append("0123456789");
  EXPECT_FALSE(text.spilled());
  EXPECT_EQ(text.read_all(100), "0123456789");
}

TEST(EventText, NamesTheDirWhenItCannotSpill) {
  EventText text(4, "/nonexistent-dir-for-event-text");
  try {
    text.append("0123456789");
    FAIL() << "no error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir-for-event-text"), std::string::npos) << e.what();
  }
}
