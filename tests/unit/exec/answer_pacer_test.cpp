#include "exec/answer_pacer.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

using ansible_runner::exec::AnswerPacer;
using ansible_runner::exec::EventLoop;
using namespace std::chrono_literals;

namespace {

// A job's output as the pacer sees it, on a clock the test moves by hand.
struct Terminal {
  EventLoop::TimePoint now{};
  EventLoop loop{[this] { return now; }};
  bool in_frame = false;
  long framed_events = 0;
  std::vector<std::string> written;
  AnswerPacer pacer{loop,
                    {[this] { return in_frame; }, [this] { return framed_events; }},
                    [this](std::string_view answer) { written.emplace_back(answer); }};

  void pass(EventLoop::Duration d) {
    now += d;
    loop.run_once(0ms);
  }
  void read_output() { pacer.output_read(); }
};

} // namespace

TEST(AnswerPacer, AnAnswerWaitsToSettleAndThenGoes) {
  Terminal t;
  t.pacer.matched("pw\n", false);
  t.read_output();
  t.pass(49ms);
  EXPECT_TRUE(t.written.empty()) << "pexpect waits 50 ms before it sends";
  t.pass(1ms);
  EXPECT_EQ(t.written, (std::vector<std::string>{"pw\n"}));
  t.pass(1h);
  EXPECT_EQ(t.written.size(), 1u) << "a prompt outside a frame is answered once";
}

TEST(AnswerPacer, AnAnswerWaitsForTheFrameAroundThePromptToClose) {
  Terminal t;
  t.in_frame = true;
  t.pacer.matched("pw\n", true);
  t.pass(100ms);
  EXPECT_TRUE(t.written.empty());
  t.in_frame = false; // the end frame was read
  t.read_output();
  EXPECT_EQ(t.written, (std::vector<std::string>{"pw\n"}));
}

TEST(AnswerPacer, AFrameThatNeverClosesHoldsTheAnswerOnlySoLong) {
  Terminal t;
  t.in_frame = true;
  t.pacer.matched("pw\n", true);
  t.pass(199ms);
  EXPECT_TRUE(t.written.empty());
  t.pass(1ms);
  EXPECT_EQ(t.written.size(), 1u);
  // That frame's own event, when it comes, is not taken for the job having read the answer.
  t.in_frame = false;
  ++t.framed_events;
  t.read_output();
  t.pass(2s);
  EXPECT_EQ(t.written.size(), 2u);
}

TEST(AnswerPacer, AnAnswerToAFramedPromptIsWrittenAgainUntilAFramedEventComes) {
  Terminal t;
  t.pacer.matched("pw\n", true);
  t.pass(50ms);
  ASSERT_EQ(t.written.size(), 1u);
  t.read_output(); // the echo: not an event
  t.pass(2s);
  EXPECT_EQ(t.written.size(), 2u) << "the terminal flushed the first one";
  t.pass(2s);
  EXPECT_EQ(t.written.size(), 3u);
  ++t.framed_events; // the pause's result
  t.read_output();
  t.pass(1h);
  EXPECT_EQ(t.written.size(), 3u);
}

TEST(AnswerPacer, RewritesStopAfterAFewTries) {
  Terminal t;
  t.pacer.matched("pw\n", true);
  for (int i = 0; i < 100; ++i) {
    t.pass(1s);
  }
  EXPECT_EQ(t.written.size(), 1u + AnswerPacer::k_rewrites);
}

TEST(AnswerPacer, AnEmptyAnswerIsNeverWrittenAgain) {
  Terminal t;
  t.pacer.matched("", true);
  t.pass(1h);
  t.pass(1h);
  EXPECT_EQ(t.written, (std::vector<std::string>{""}));
}

TEST(AnswerPacer, ANewPromptReplacesTheAnswerWaitingOrBeingRewritten) {
  Terminal t;
  t.pacer.matched("first\n", false);
  t.pacer.matched("second\n", true);
  t.pass(50ms);
  EXPECT_EQ(t.written, (std::vector<std::string>{"second\n"}));
  t.pacer.matched("third\n", false);
  t.pass(50ms);
  t.pass(1h);
  EXPECT_EQ(t.written, (std::vector<std::string>{"second\n", "third\n"}));
}
