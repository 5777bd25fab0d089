#include "stream/result_reader.hpp"

#include <gtest/gtest.h>

#include "stream/stream_error.hpp"
#include "stream_test_util.hpp"

using ansible_runner::Json;
using ansible_runner::stream::bytes_repr;
using ansible_runner::stream::ResultReader;
using ansible_runner::stream::StreamReader;

namespace {

struct Read {
  std::vector<Json> messages;
  std::vector<std::string> reports;
  std::string bad_line;
};

Read read_all_messages(const std::string& stream) {
  auto fd = ansible_runner::test::fd_with(stream);
  StreamReader raw(fd.get());
  Read out;
  ResultReader reader(raw, [&](const std::string& m) { out.reports.push_back(m); });
  while (auto m = reader.next()) {
    out.messages.push_back(*m);
  }
  out.bad_line = reader.last_bad_line();
  return out;
}

} // namespace

TEST(ResultReader, BlankLinesAndCrlf) {
  auto r = read_all_messages("\r\n{\"status\": \"running\"}\r\n\n   \n{\"eof\": true}\r\n");
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[1], Json::parse(R"({"eof": true})"));
  EXPECT_TRUE(r.reports.empty());
}

TEST(ResultReader, JoinsALineSplitByALogPipeline) {
  std::string event = R"({"uuid": "u1", "counter": 1, "stdout": ")" + std::string(40000, 'x') + R"("})";
  // Kubernetes cuts long lines at 16 KiB; each cut becomes a newline.
  std::string split = event.substr(0, 16384) + "\n" + event.substr(16384, 16384) + "\n" + event.substr(32768) + "\n";
  auto r = read_all_messages(split + "{\"eof\": true}\n");
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[0]["stdout"].get<std::string>().size(), 40000u);
  ASSERT_EQ(r.reports.size(), 1u);
  EXPECT_NE(r.reports[0].find("3 pieces"), std::string::npos);
}

TEST(ResultReader, SplitInsideANumberOrAnEscape) {
  std::string event = R"({"counter": 123456, "uuid": "\u00e9x"})";
  for (size_t cut : {12u, 13u, 30u, 31u, 33u}) {
    auto r = read_all_messages(event.substr(0, cut) + "\n" + event.substr(cut) + "\n");
    ASSERT_EQ(r.messages.size(), 1u) << cut;
    EXPECT_EQ(r.messages[0]["counter"], 123456) << cut;
  }
}

TEST(ResultReader, StrayLinesAreReportedAndSkipped) {
  auto r = read_all_messages("{\"status\": \"running\"}\nWARNING: something printed this\n5\n"
                             "[1, 2]\n{\"eof\": true}\n");
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.reports.size(), 3u);
}

TEST(ResultReader, AFragmentBeforeAWholeMessageIsStray) {
  // Gluing would still look unfinished ({"a": {"eof": true}); the whole message wins.
  auto r = read_all_messages("{\"a\": \n{\"eof\": true}\n");
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_TRUE(r.messages[0].contains("eof"));
  EXPECT_EQ(r.reports.size(), 1u);
}

TEST(ResultReader, EndInsideALineIsTheEnd) {
  auto r = read_all_messages("{\"status\": \"running\"}\n{\"uuid\": \"u1\", \"coun");
  EXPECT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.bad_line, "{\"uuid\": \"u1\", \"coun");
}

TEST(ResultReader, BytesRepr) {
  EXPECT_EQ(bytes_repr(""), "b''");
  EXPECT_EQ(bytes_repr("a'b"), "b\"a'b\"");
  EXPECT_EQ(bytes_repr("x\n\x01\xff\\"), "b'x\\n\\x01\\xff\\\\'");
  EXPECT_EQ(bytes_repr(std::string(2000, 'a')).size(), 1003u);
}

TEST(ResultReader, LoneSurrogatesFromAPythonWorkerAreKept) {
  auto r = read_all_messages("{\"uuid\": \"u\", \"counter\": 1, \"stdout\": \"bad \\udcff\"}\n{\"eof\": true}\n");
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[0]["stdout"], "bad \xEF\xBF\xBD");
  EXPECT_TRUE(r.reports.empty());
}

TEST(ResultReader, LastLineIsTheMessageInJsonDumpsForm) {
  auto fd = ansible_runner::test::fd_with(
      "{\"uuid\": \"u\", \"counter\": 1}\r\n"
      "  {\"counter\": 2}\n"
      "{\"uuid\": \"u\", \"stdout\": \"bad \\udcff\"}\n"
      "{\"a\": \"" + std::string(20000, 'x') + "\n\"}\n");
  StreamReader raw(fd.get());
  ResultReader reader(raw, nullptr);
  ASSERT_TRUE(reader.next());
  EXPECT_EQ(reader.last_line(), "{\"uuid\": \"u\", \"counter\": 1}");
  EXPECT_TRUE(reader.last_line_exact());
  ASSERT_TRUE(reader.next());
  EXPECT_EQ(reader.last_line(), "{\"counter\": 2}"); // rewritten as json.dumps writes it
  EXPECT_TRUE(reader.last_line_exact());
  ASSERT_TRUE(reader.next());
  EXPECT_TRUE(reader.last_line_exact()); // lone surrogate: json.dumps writes it back the same
  ASSERT_TRUE(reader.next());
  EXPECT_FALSE(reader.last_line_exact()); // joined from two pieces
  EXPECT_FALSE(reader.next());
}

TEST(ResultReader, JoinsManyPiecesWithBracketsAndQuotesInStrings) {
  // Every piece is read once: 20,000 pieces used to mean 20,000 parses of the growing text.
  std::string event = R"({"counter": 1, "uuid": "u", "stdout": "[{\"]}", "list": [)";
  std::string stream = event;
  for (int i = 0; i < 20000; ++i) {
    stream += "\n" + std::to_string(i) + ",";
  }
  stream += "\n0]}\n{\"eof\": true}\n";
  auto r = read_all_messages(stream);
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[0]["stdout"], "[{\"]}");
  EXPECT_EQ(r.messages[0]["list"].size(), 20001u);
  EXPECT_EQ(r.messages[1], Json::parse(R"({"eof": true})"));
}

TEST(ResultReader, AClosingBracketTooManyEndsTheJoin) {
  auto r = read_all_messages("{\"counter\": 1,\n]]\n{\"eof\": true}\n");
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0], Json::parse(R"({"eof": true})"));
  EXPECT_FALSE(r.reports.empty());
}

TEST(ResultReader, LinesPastALimitAreSkippedWithTheLimitNamed) {
  // Canonical and not (extra spaces): both are refused, whatever path reads them.
  std::string stream = "{\"counter\": 1, \"deep\": [[[1]]]}\n"
                       "{\"counter\": 2,  \"many\": [1, 2, 3, 4, 5, 6]}\n"
                       "{\"counter\": 3, \"long\": \"abcdefghij\"}\n"
                       "{\"counter\": 4, \"ok\": [1]}\n";
  auto fd = ansible_runner::test::fd_with(stream);
  StreamReader raw(fd.get());
  std::vector<std::string> reports;
  ResultReader reader(raw, [&](const std::string& m) { reports.push_back(m); },
                      ansible_runner::util::JsonLimits{.max_depth = 3, .max_values = 6, .max_string_bytes = 9});
  std::vector<Json> messages;
  while (auto m = reader.next()) {
    messages.push_back(*m);
  }
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["counter"], 4);
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_NE(reports[0].find("past a limit, nested deeper than 3 levels (ANSIBLE_RUNNER_MAX_JSON_DEPTH"), std::string::npos)
      << reports[0];
  EXPECT_NE(reports[1].find("more than 6 values (ANSIBLE_RUNNER_MAX_JSON_VALUES"), std::string::npos) << reports[1];
  EXPECT_NE(reports[2].find("a string of 10 bytes, over the limit of 9 (ANSIBLE_RUNNER_MAX_STRING_BYTES"),
            std::string::npos)
      << reports[2];
}

TEST(ResultReader, ALineOverTheLengthLimitNamesItsVariable) {
  auto fd = ansible_runner::test::fd_with("{\"counter\": 1, \"x\": \"" + std::string(100, 'y') + "\"}\n");
  StreamReader raw(fd.get(), 64);
  ResultReader reader(raw, {});
  try {
    reader.next();
    FAIL() << "not refused";
  } catch (const ansible_runner::stream::StreamError& e) {
    EXPECT_NE(std::string(e.what()).find("longer than 64 bytes (ANSIBLE_RUNNER_MAX_LINE_BYTES"), std::string::npos)
        << e.what();
  }
}
