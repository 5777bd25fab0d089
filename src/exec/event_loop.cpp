#include "exec/event_loop.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <stdexcept>
#include <string>

namespace ansible_runner::exec {

void EventLoop::watch(int fd, std::function<void()> on_ready) {
  unwatch(fd);
  m_watches.push_back(Watch{fd, std::move(on_ready)});
}

void EventLoop::unwatch(int fd) {
  std::erase_if(m_watches, [fd](const Watch& w) { return w.fd == fd; });
}

bool EventLoop::watching(int fd) const {
  return std::any_of(m_watches.begin(), m_watches.end(), [fd](const Watch& w) { return w.fd == fd; });
}

EventLoop::TimerId EventLoop::at(TimePoint deadline, std::function<void()> fn) {
  TimerId id = m_next_id++;
  m_timers.emplace(id, Timer{deadline, Duration::zero(), std::move(fn)});
  return id;
}

EventLoop::TimerId EventLoop::every(Duration period, std::function<void()> fn) {
  if (period <= Duration::zero()) {
    throw std::invalid_argument("a repeating timer needs a positive period");
  }
  TimerId id = m_next_id++;
  m_timers.emplace(id, Timer{now() + period, period, std::move(fn)});
  return id;
}

void EventLoop::cancel(TimerId id) { m_timers.erase(id); }

void EventLoop::run() {
  while (!m_stopped) {
    run_once(std::chrono::hours(1));
  }
}

void EventLoop::run_once(Duration longest) {
  Duration wait = longest;
  const TimePoint start = now();
  for (const auto& [id, timer] : m_timers) {
    wait = std::min(wait, timer.deadline - start);
  }
  wait = std::max(wait, Duration::zero());
  // Round up, so a timer a fraction of a millisecond away is not polled for in a busy loop.
  const auto wait_ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
  const int timeout = static_cast<int>(std::min<decltype(wait_ms)>(wait_ms, 24 * 60 * 60 * 1000));

  std::vector<pollfd>& pfds = m_pollfds; // kept between turns: no allocation per turn
  pfds.clear();
  for (const Watch& w : m_watches) {
    pfds.push_back(pollfd{w.fd, POLLIN, 0});
  }
  int ready = ::poll(pfds.empty() ? nullptr : pfds.data(), pfds.size(), timeout);
  if (ready < 0 && errno != EINTR) {
    throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
  }
  if (ready > 0) {
    for (const pollfd& p : pfds) {
      if (p.revents == 0 || m_stopped) {
        continue;
      }
      // A handler may have unwatched this fd (or any other) meanwhile: look it up again.
      auto it = std::find_if(m_watches.begin(), m_watches.end(), [&p](const Watch& w) { return w.fd == p.fd; });
      if (it != m_watches.end()) {
        std::function<void()> on_ready = it->on_ready; // the handler may replace its own watch
        on_ready();
      }
    }
  }
  run_due_timers();
}

void EventLoop::run_due_timers() {
  const TimePoint current = now();
  std::vector<TimerId> due;
  for (const auto& [id, timer] : m_timers) {
    if (timer.deadline <= current) {
      due.push_back(id);
    }
  }
  for (TimerId id : due) {
    if (m_stopped) {
      return;
    }
    auto it = m_timers.find(id);
    if (it == m_timers.end()) {
      continue; // cancelled by an earlier handler of this turn
    }
    std::function<void()> fn = it->second.fn;
    if (it->second.period > Duration::zero()) {
      // The next deadline counts from now, so a late turn does not fire a burst to catch up.
      it->second.deadline = current + it->second.period;
    } else {
      m_timers.erase(it);
    }
    fn();
  }
}

} // namespace ansible_runner::exec
