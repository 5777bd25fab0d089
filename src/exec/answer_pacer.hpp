#pragma once
// When a matched password prompt's answer is written to the job's terminal
// (docs/execution.md 5.1). Ansible's `pause` shows its prompt before it puts the terminal in raw
// mode, and that flushes the terminal's input: an answer that arrives first is lost and the job
// waits for ever. So an answer waits a little (as pexpect does before it sends), waits for the
// callback frame around the prompt to close, and an answer to a prompt shown inside a frame is
// written again while no further framed event arrives.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "exec/event_loop.hpp"

namespace ansible_runner::exec {

class AnswerPacer {
public:
  // What the pacer reads of the output so far.
  struct Output {
    std::function<bool()> in_frame;       // a callback frame has begun and not ended
    std::function<long()> framed_events;  // framed events read so far
  };
  using Write = std::function<void(std::string_view)>;

  static constexpr auto k_settle = std::chrono::milliseconds(50);  // pexpect's delaybeforesend
  static constexpr auto k_frame_wait = std::chrono::milliseconds(200);
  static constexpr auto k_rewrite_after = std::chrono::seconds(2);
  static constexpr int k_rewrites = 3;

  AnswerPacer(EventLoop& loop, Output output, Write write);
  ~AnswerPacer();
  AnswerPacer(const AnswerPacer&) = delete;
  AnswerPacer& operator=(const AnswerPacer&) = delete;

  // A prompt matched in the output just read; `framed`: it was shown inside a callback frame.
  // An earlier answer not yet written, or still to be written again, is dropped.
  void matched(std::string answer, bool framed);
  // After each read of output: writes a waiting answer once it may go, and ends the rewrites
  // once a framed event has arrived since.
  void output_read();
  bool waiting() const { return m_pending.has_value(); }

private:
  struct Pending {
    std::string answer;
    bool framed;
    EventLoop::TimePoint not_before;
    EventLoop::TimePoint frame_deadline;
  };
  struct Rewrite {
    std::string answer;
    long framed_events; // when it was written
    int left;
  };

  void try_write();
  void rewrite_due();
  void arm(EventLoop::TimePoint when, void (AnswerPacer::*fn)());
  void disarm();

  EventLoop& m_loop;
  Output m_output;
  Write m_write;
  std::optional<Pending> m_pending;
  std::optional<Rewrite> m_rewrite;
  std::optional<EventLoop::TimerId> m_timer; // for the pending answer or the rewrite
};

} // namespace ansible_runner::exec
