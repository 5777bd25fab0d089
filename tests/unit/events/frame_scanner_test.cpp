#include "events/frame_scanner.hpp"

#include <gtest/gtest.h>

using ansible_runner::events::FrameScanner;
using Result = FrameScanner::Result;

namespace {

const std::string k_frame = "\x1b[KeyJ1dWlk\x1b[8DIjogInUifQ==\x1b[12D\x1b[K"; // {"uuid": "u"}
// Our plugin's form: the JSON itself in an APC string.
const std::string k_json_frame = "\x1b_{\"uuid\": \"u\", \"x\": \"\\u001b[K\"}\x1b\\";

// Feeds `text` growing by `step` bytes, as reads would; returns the last result.
Result scan_growing(FrameScanner& scanner, const std::string& text, size_t step) {
  Result result = Result::incomplete;
  for (size_t have = std::min(step, text.size());; have = std::min(have + step, text.size())) {
    result = scanner.scan(std::string_view(text).substr(0, have));
    if (result != Result::incomplete || have == text.size()) {
      return result;
    }
  }
}

} // namespace

TEST(FrameScanner, ReadsAFrameAndItsBase64) {
  FrameScanner scanner;
  ASSERT_EQ(scanner.scan(k_frame + "after"), Result::complete);
  EXPECT_EQ(scanner.end(), k_frame.size());
  EXPECT_EQ(scanner.payload(), "eyJ1dWlkIjogInUifQ==");
}

TEST(FrameScanner, SameResultWhereverTheReadsSplitIt) {
  const std::pair<std::string, std::string> frames[] = {
      {k_frame, "eyJ1dWlkIjogInUifQ=="},
      {k_json_frame, "{\"uuid\": \"u\", \"x\": \"\\u001b[K\"}"},
  };
  for (const auto& [frame, payload] : frames) {
    for (size_t cut = 1; cut < frame.size(); ++cut) {
      FrameScanner scanner;
      ASSERT_EQ(scanner.scan(std::string_view(frame).substr(0, cut)), Result::incomplete) << "cut " << cut;
      ASSERT_EQ(scanner.scan(frame), Result::complete) << "cut " << cut;
      EXPECT_EQ(scanner.end(), frame.size());
      EXPECT_EQ(scanner.payload(), payload) << "cut " << cut;
    }
    FrameScanner byte_by_byte;
    EXPECT_EQ(scan_growing(byte_by_byte, frame, 1), Result::complete);
    EXPECT_EQ(byte_by_byte.payload(), payload);
  }
}

TEST(FrameScanner, RejectsWhatTheReferenceRegexRejects) {
  for (const std::string bad : {
           "\x1b[K\x1b[K",              // no group
           "\x1b[Kab!c\x1b[4D\x1b[K",   // not base64
           "\x1b[Kabc\x1b[D\x1b[K",     // no digits
           "\x1b[Kabc\x1b[3X\x1b[K",    // not D
           "\x1b[Kabc\x1b[3D\x1b[J",    // bad close
           "\x1b[Kabc\x1b[3D\x1b]K",    // bad close
           "\x1b[Jabc\x1b[3D\x1b[K",    // bad open
           "\x1b[Kabc\x1b[3Dx\x1b[K",   // a group without its marker before the close
       }) {
    FrameScanner scanner;
    EXPECT_EQ(scan_growing(scanner, bad, 1), Result::not_a_frame) << bad.substr(1);
  }
}

TEST(FrameScanner, IncompleteUntilTheCloseArrives) {
  FrameScanner scanner;
  EXPECT_EQ(scanner.scan("\x1b[Kabc\x1b[3D"), Result::incomplete);
  EXPECT_EQ(scanner.scan("\x1b[Kabc\x1b[3D\x1b["), Result::incomplete);
  EXPECT_EQ(scanner.scan("\x1b[Kabc\x1b[3D\x1b[K"), Result::complete);
  scanner.reset();
  EXPECT_EQ(scanner.scan("\x1b[Kxy\x1b[2D\x1b[K"), Result::complete);
  EXPECT_EQ(scanner.payload(), "xy");
}

TEST(FrameScanner, GivesUpOnAFrameLargerThanTheLimit) {
  FrameScanner scanner;
  std::string huge = "\x1b[K" + std::string(FrameScanner::k_max_frame_bytes + 8, 'A');
  EXPECT_EQ(scanner.scan(huge), Result::not_a_frame);
}

TEST(FrameScanner, ReadsAJsonFrameAndItsText) {
  FrameScanner scanner;
  ASSERT_EQ(scanner.scan(k_json_frame + "after"), Result::complete);
  EXPECT_TRUE(scanner.is_json());
  EXPECT_EQ(scanner.end(), k_json_frame.size());
  EXPECT_EQ(scanner.payload(), "{\"uuid\": \"u\", \"x\": \"\\u001b[K\"}");
  scanner.reset();
  ASSERT_EQ(scanner.scan(k_frame), Result::complete);
  EXPECT_FALSE(scanner.is_json());
}

TEST(FrameScanner, RejectsAnApcStringThatIsNotOurJson) {
  for (const std::string& bad : {
           std::string("\x1b_\x1b\\"),                 // empty
           std::string("\x1b_Gf=24;AAAA\x1b\\"),       // a terminal's own APC (kitty graphics)
           std::string("\x1b_{\"a\": 1}\x1b[K"),       // not closed by ST
           std::string("\x1b_{\"a\": \"\n\"}\x1b\\"),                        // a raw line break
           std::string("\x1b_{\"a\": \"\xc3\xa9\"}\x1b\\"),                    // raw UTF-8
           std::string("\x1b_{\"a\": \"\x7f\"}\x1b\\"),                         // DEL
       }) {
    FrameScanner scanner;
    EXPECT_EQ(scan_growing(scanner, bad, 1), Result::not_a_frame) << bad.substr(1);
  }
}

TEST(FrameScanner, GivesUpOnAJsonFrameLargerThanTheLimit) {
  FrameScanner scanner;
  std::string huge = "\x1b_{" + std::string(FrameScanner::k_max_frame_bytes + 8, 'A');
  EXPECT_EQ(scanner.scan(huge), Result::not_a_frame);
  scanner.reset();
  EXPECT_EQ(scan_growing(scanner, huge, 1 << 20), Result::not_a_frame);
}
