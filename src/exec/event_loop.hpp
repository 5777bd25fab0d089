#pragma once
// The loop a job runs in (docs/ARCHITECTURE.md, "Rules"): it waits with poll(2) until a watched
// fd is ready or the next timer is due, then runs their handlers on the calling thread, in that
// order. Timers read the loop's clock, which a test can replace (a faster clock runs a 30 s
// timeout in a fraction of a second); poll's waits are the clock's durations on the real one.
//
// Handlers may watch, unwatch, add timers and stop the loop; a handler's exception leaves
// run() as it is.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <poll.h>
#include <vector>

namespace ansible_runner::exec {

class EventLoop {
public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  using Duration = Clock::duration;
  using TimerId = std::uint64_t;

  explicit EventLoop(std::function<TimePoint()> clock = &Clock::now) : m_clock(std::move(clock)) {}
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  TimePoint now() const { return m_clock(); }

  // Calls on_ready() on every turn in which `fd` is readable, hung up or in error (POLLIN).
  void watch(int fd, std::function<void()> on_ready);
  void unwatch(int fd);
  bool watching(int fd) const;

  // Calls `fn` once at `deadline` (or on the next turn when it has passed).
  TimerId at(TimePoint deadline, std::function<void()> fn);
  // Calls `fn` every `period`, the first time one period from now.
  TimerId every(Duration period, std::function<void()> fn);
  void cancel(TimerId id);

  // Turns until stop(): each waits until an fd is ready or the nearest timer is due.
  void run();
  void stop() { m_stopped = true; }
  bool stopped() const { return m_stopped; }

  // One turn, waiting at most `longest` (and never past the nearest timer).
  void run_once(Duration longest);

private:
  struct Timer {
    TimePoint deadline;
    Duration period{}; // zero: once
    std::function<void()> fn;
  };
  struct Watch {
    int fd;
    std::function<void()> on_ready;
  };

  void run_due_timers();

  std::function<TimePoint()> m_clock;
  std::vector<Watch> m_watches;
  std::vector<struct pollfd> m_pollfds;
  std::map<TimerId, Timer> m_timers;
  TimerId m_next_id = 1;
  bool m_stopped = false;
};

} // namespace ansible_runner::exec
