#include "exec/event_loop.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "util/fd.hpp"

using ansible_runner::exec::EventLoop;
namespace util = ansible_runner::util;
using namespace std::chrono_literals;

namespace {

// A clock the test moves by hand.
struct DrivenClock {
  EventLoop::TimePoint now{};
  std::function<EventLoop::TimePoint()> fn() {
    return [this] { return now; };
  }
};

} // namespace

TEST(EventLoop, TimersFireInDeadlineTurnsOfTheDrivenClock) {
  DrivenClock clock;
  EventLoop loop(clock.fn());
  std::vector<std::string> fired;
  loop.every(100ms, [&] { fired.push_back("tick"); });
  loop.at(clock.now + 250ms, [&] { fired.push_back("once"); });
  loop.run_once(0ms);
  EXPECT_TRUE(fired.empty());
  clock.now += 100ms;
  loop.run_once(0ms);
  EXPECT_EQ(fired, (std::vector<std::string>{"tick"}));
  clock.now += 200ms; // past the one-shot and a tick; a late turn does not catch up twice
  loop.run_once(0ms);
  EXPECT_EQ(fired, (std::vector<std::string>{"tick", "tick", "once"}));
  clock.now += 1000ms;
  loop.run_once(0ms);
  EXPECT_EQ(fired.size(), 4u); // the one-shot is gone
}

TEST(EventLoop, ACancelledTimerNeverFires) {
  DrivenClock clock;
  EventLoop loop(clock.fn());
  int fired = 0;
  EventLoop::TimerId a = loop.at(clock.now + 10ms, [&] { ++fired; });
  // One timer cancels another that is due in the same turn.
  EventLoop::TimerId b = 0;
  loop.at(clock.now + 5ms, [&] { loop.cancel(b); });
  b = loop.at(clock.now + 6ms, [&] { ++fired; });
  loop.cancel(a);
  clock.now += 1s;
  loop.run_once(0ms);
  EXPECT_EQ(fired, 0);
}

TEST(EventLoop, AReadableFdRunsItsHandlerAndStopEndsRun) {
  std::optional<util::Pipe> pipe = util::make_pipe();
  ASSERT_TRUE(pipe);
  EventLoop loop;
  std::string got;
  loop.watch(pipe->read.get(), [&] {
    char buf[16];
    long n = util::read_some(pipe->read.get(), buf, sizeof buf);
    if (n > 0) {
      got.append(buf, static_cast<size_t>(n));
    } else {
      loop.unwatch(pipe->read.get()); // end of file
      loop.stop();
    }
  });
  loop.at(loop.now(), [&] { util::write_all(pipe->write.get(), "data"); });
  loop.at(loop.now() + 20ms, [&] { pipe->write.reset(); });
  loop.run();
  EXPECT_EQ(got, "data");
  EXPECT_FALSE(loop.watching(pipe->read.get()));
}

TEST(EventLoop, TheWaitEndsAtTheNearestTimerNotTheLongestWait) {
  EventLoop loop;
  bool fired = false;
  loop.at(loop.now() + 30ms, [&] { fired = true; });
  const auto start = EventLoop::Clock::now();
  while (!fired) {
    loop.run_once(10s);
  }
  EXPECT_LT(EventLoop::Clock::now() - start, 5s);
}

TEST(EventLoop, ARepeatingTimerNeedsAPeriod) {
  EventLoop loop;
  EXPECT_THROW(loop.every(0ms, [] {}), std::invalid_argument);
}
