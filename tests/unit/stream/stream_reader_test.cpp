#include "stream/stream_reader.hpp"

#include <gtest/gtest.h>

#include "stream/stream_error.hpp"
#include "stream_test_util.hpp"
#include "util/base64.hpp"

using ansible_runner::stream::StreamError;
using ansible_runner::stream::StreamReader;
using ansible_runner::test::fd_with;
using ansible_runner::test::read_all;

namespace {

std::string payload(const std::string& bytes) { return ansible_runner::util::base64_encode(bytes); }

} // namespace

TEST(StreamReader, ReadsLinesAndALastLineWithoutNewline) {
  auto in = fd_with("{\"a\": 1}\n\n{\"eof\": true}");
  StreamReader r(in.get());
  EXPECT_EQ(r.read_line(), "{\"a\": 1}");
  EXPECT_EQ(r.read_line(), "");
  EXPECT_EQ(r.read_line(), "{\"eof\": true}");
  EXPECT_EQ(r.read_line(), std::nullopt);
}

TEST(StreamReader, PayloadGluedToTheNextLine) {
  std::string zip = "PK\x03\x04 some bytes";
  auto in = fd_with("{\"zipfile\": " + std::to_string(zip.size()) + "}\n" + payload(zip) + "{\"eof\": true}\n");
  StreamReader r(in.get());
  EXPECT_EQ(r.read_line(), "{\"zipfile\": " + std::to_string(zip.size()) + "}");
  auto out = ansible_runner::stream::make_anonymous_temp_file();
  r.read_payload(zip.size(), out.get());
  EXPECT_EQ(read_all(out.get()), zip);
  EXPECT_EQ(r.read_line(), "{\"eof\": true}");
}

TEST(StreamReader, WhitespaceInsideThePayloadIsSkippedButNotAfterIt) {
  std::string zip(100, 'z');
  std::string text = payload(zip);
  std::string wrapped;
  for (size_t i = 0; i < text.size(); i += 76) {
    wrapped += text.substr(i, 76) + "\r\n"; // MIME-style wrapping, as base64 -w76 does
  }
  wrapped.resize(wrapped.size() - 2);
  auto in = fd_with(" \t" + wrapped + "\n{\"eof\": true}\n");
  StreamReader r(in.get());
  auto out = ansible_runner::stream::make_anonymous_temp_file();
  r.read_payload(zip.size(), out.get());
  EXPECT_EQ(read_all(out.get()), zip);
  // The newline after the payload is the reference's trap: it becomes an empty line.
  EXPECT_EQ(r.read_line(), "");
  EXPECT_EQ(r.read_line(), "{\"eof\": true}");
}

TEST(StreamReader, PayloadErrors) {
  auto expect_error = [](const std::string& stream, uint64_t n) {
    auto in = fd_with(stream);
    StreamReader r(in.get());
    auto out = ansible_runner::stream::make_anonymous_temp_file();
    EXPECT_THROW(r.read_payload(n, out.get()), StreamError) << stream;
  };
  expect_error(payload("abcdef").substr(0, 5), 6);     // truncated
  expect_error("QUJD!EFG{\"eof\": true}\n", 6);        // bad character
  expect_error(payload("abcd") + "{\"eof\": true}\n", 5); // decodes to 4 bytes, announced 5
  expect_error(payload("abcde"), 4);                  // announced 4: reads "YWJj" + "ZGU=" cut
  expect_error("", 0 + 3);
}

TEST(StreamReader, ZeroLengthPayloadReadsNothing) {
  auto in = fd_with("{\"eof\": true}\n");
  StreamReader r(in.get());
  auto out = ansible_runner::stream::make_anonymous_temp_file();
  r.read_payload(0, out.get());
  EXPECT_EQ(r.read_line(), "{\"eof\": true}");
}

TEST(StreamReader, RefusesOverlongLines) {
  auto in = fd_with(std::string(5000, 'x') + "\n");
  StreamReader r(in.get(), 4096);
  EXPECT_THROW(r.read_line(), StreamError);
}

TEST(StreamReader, LargePayloadAcrossManyBufferFills) {
  std::string zip;
  for (int i = 0; i < 300000; ++i) {
    zip += static_cast<char>((i * 7919) & 0xFF);
  }
  auto in = fd_with("{\"zipfile\": 300000}\n" + payload(zip) + "{\"eof\": true}\n");
  StreamReader r(in.get());
  r.read_line();
  auto out = ansible_runner::stream::make_anonymous_temp_file();
  r.read_payload(zip.size(), out.get());
  EXPECT_EQ(read_all(out.get()), zip);
  EXPECT_EQ(r.read_line(), "{\"eof\": true}");
}

// While it waits for input the reader calls its wait hook (the worker's keepalives) and waits
// no longer than the hook says; the hook here feeds the line after three waits.
TEST(StreamReader, WaitsInTheHooksStepsUntilInputArrives) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ansible_runner::util::UniqueFd read_end(fds[0]);
  ansible_runner::util::UniqueFd write_end(fds[1]);
  StreamReader r(read_end.get());
  int calls = 0;
  r.set_wait_hook([&] {
    if (++calls == 3) {
      ansible_runner::util::write_all(write_end.get(), "hello\n");
    }
    return 1; // ms
  });
  EXPECT_EQ(r.read_line(), std::optional<std::string>("hello"));
  EXPECT_EQ(calls, 3);
}
