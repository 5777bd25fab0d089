#include "stream/stream_writer.hpp"

#include <chrono>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <limits>
#include <thread>
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

// Keepalives fill idle time, never split a message and stop at eof. A pipe with a slow reader
// keeps the payload write blocked long enough for several keepalive periods.
TEST(StreamWriter, KeepalivesOnlyBetweenMessages) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ansible_runner::util::UniqueFd read_end(fds[0]);
  ansible_runner::util::UniqueFd write_end(fds[1]);
  std::string big(3 * 1024 * 1024, 'q');
  auto zip = fd_with(big);

  std::string received;
  std::thread reader([&] {
    char buf[4096];
    for (;;) {
      long n = ansible_runner::util::read_some(read_end.get(), buf, sizeof buf);
      if (n <= 0) {
        return;
      }
      received.append(buf, static_cast<size_t>(n));
      if (received.size() < 1024 * 1024) {
        std::this_thread::sleep_for(std::chrono::microseconds(200)); // slow consumer
      }
    }
  });
  {
    StreamWriter w(write_end.get(), 0.01);
    std::this_thread::sleep_for(std::chrono::milliseconds(100)); // idle: keepalives
    Json event = Json::object();
    event["event"] = "x";
    w.write_message(event);
    w.write_zip(zip.get());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    w.write_eof();
    std::this_thread::sleep_for(std::chrono::milliseconds(50)); // none after eof
  }
  write_end.reset();
  reader.join();

  auto in = fd_with(received);
  StreamReader r(in.get());
  int keepalives = 0;
  bool saw_zip = false;
  bool saw_eof = false;
  while (auto line = r.read_line()) {
    ASSERT_FALSE(saw_eof) << "output after eof: " << *line;
    Json data = Json::parse(*line);
    if (data.contains("zipfile")) {
      auto out = ansible_runner::stream::make_anonymous_temp_file();
      r.read_payload(data["zipfile"].get<uint64_t>(), out.get());
      EXPECT_EQ(read_all(out.get()), big);
      saw_zip = true;
    } else if (data.contains("eof")) {
      saw_eof = true;
    } else if (data.value("event", "") == "keepalive") {
      EXPECT_EQ(*line, R"({"event": "keepalive", "counter": 0, "uuid": 0})");
      ++keepalives;
    }
  }
  EXPECT_TRUE(saw_zip);
  EXPECT_TRUE(saw_eof);
  EXPECT_GE(keepalives, 1);
}

TEST(StreamWriter, NoKeepalivesWhenOff) {
  auto out = ansible_runner::stream::make_anonymous_temp_file();
  {
    StreamWriter w(out.get(), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
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
