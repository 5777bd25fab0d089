#include "stream/stream_writer.hpp"

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <limits>
#include <unistd.h>

#include "stream/stream_reader.hpp"
#include "stream_test_util.hpp"
#include "util/base64.hpp"

using ansible_runner::Json;
using ansible_runner::stream::StreamReader;
using ansible_runner::stream::StreamWriter;
using ansible_runner::test::fd_with;
using ansible_runner::test::read_all;

TEST(StreamWriter, LinesArePythonJsonAndThePayloadHasNoNewline) {
  auto out = ansible_runner::stream::make_anonymous_temp_file();
  auto zip = fd_with("0123456789");
  {
    StreamWriter w(out.get());
    Json status = Json::object();
    status["status"] = "successful";
    status["runner_ident"] = "caf\xc3\xa9";
    w.write_message(status);
    w.write_zip(zip.get());
    w.write_eof();
    w.write_message(status); // after eof: dropped
  }
  EXPECT_EQ(read_all(out.get()), "{\"status\": \"successful\", \"runner_ident\": \"caf\\u00e9\"}\n"
                                 "{\"zipfile\": 10}\n" +
                                     ansible_runner::util::base64_encode("0123456789") + "{\"eof\": true}\n");
}

// Keepalives are driven by the caller's clock: none before the stream has been idle for the
// interval, one when it has, none after eof; each answer says how long until the next is due.
TEST(StreamWriter, KeepalivesFollowTheCallersClock) {
  using namespace std::chrono_literals;
  auto out = ansible_runner::stream::make_anonymous_temp_file();
  const std::string keepalive = R"({"event": "keepalive", "counter": 0, "uuid": 0})" "\n";
  const std::string eof = "{\"eof\": true}\n";
  {
    StreamWriter w(out.get(), 10);
    const auto start = StreamWriter::Clock::now(); // no earlier than the writer's last write
    auto wait = w.keep_alive(start + 4s);
    ASSERT_TRUE(wait);
    EXPECT_LE(*wait, 6s);
    EXPECT_GT(*wait, 5s);
    EXPECT_EQ(w.keep_alive(start + 10s), std::optional<StreamWriter::Clock::duration>(10s)); // one written
    EXPECT_EQ(w.keep_alive(start + 15s), std::optional<StreamWriter::Clock::duration>(5s));  // not yet
    EXPECT_EQ(w.keep_alive(start + 45s), std::optional<StreamWriter::Clock::duration>(10s)); // one, not three
    w.write_eof();
    EXPECT_EQ(w.keep_alive(start + 100s), std::nullopt);
  }
  EXPECT_EQ(read_all(out.get()), keepalive + keepalive + eof);
}

TEST(StreamWriter, AWriteRestartsTheIdleTime) {
  using namespace std::chrono_literals;
  auto out = ansible_runner::stream::make_anonymous_temp_file();
  StreamWriter w(out.get(), 10);
  Json event = Json::object();
  event["event"] = "x";
  w.write_message(event);
  const auto written = StreamWriter::Clock::now();
  auto wait = w.keep_alive(written + 9s);
  ASSERT_TRUE(wait);
  EXPECT_LE(*wait, 1s);
  EXPECT_EQ(read_all(out.get()), "{\"event\": \"x\"}\n");
}

TEST(StreamWriter, AKeepaliveThatCannotBeWrittenMarksTheStreamFailed) {
  using namespace std::chrono_literals;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[0]); // the consumer is gone
  ansible_runner::util::UniqueFd write_end(fds[1]);
  std::signal(SIGPIPE, SIG_IGN);
  StreamWriter w(write_end.get(), 1);
  EXPECT_FALSE(w.failed());
  w.keep_alive(StreamWriter::Clock::now() + 2s);
  EXPECT_TRUE(w.failed());
}

TEST(StreamWriter, NoKeepalivesWhenOff) {
  using namespace std::chrono_literals;
  auto out = ansible_runner::stream::make_anonymous_temp_file();
  {
    StreamWriter w(out.get(), 0);
    EXPECT_EQ(w.keep_alive(StreamWriter::Clock::now() + 1000s), std::nullopt);
    w.write_eof();
  }
  EXPECT_EQ(read_all(out.get()), "{\"eof\": true}\n");
}

TEST(KeepaliveInterval, ValuesThatMeanNoneAndTheFloor) {
  using ansible_runner::stream::keepalive_interval;
  using namespace std::chrono_literals;
  for (double none : {0.0, -5.0, std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                      std::numeric_limits<double>::quiet_NaN(), 1e300, 200.0 * 365 * 24 * 3600}) {
    EXPECT_EQ(keepalive_interval(none), std::nullopt) << none;
  }
  EXPECT_EQ(keepalive_interval(1e-9), std::chrono::nanoseconds(1ms));
  EXPECT_EQ(keepalive_interval(0.5), std::chrono::nanoseconds(500ms));
  EXPECT_EQ(keepalive_interval(30), std::chrono::nanoseconds(30s));
}
