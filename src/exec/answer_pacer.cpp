#include "exec/answer_pacer.hpp"

namespace ansible_runner::exec {

AnswerPacer::AnswerPacer(EventLoop& loop, Output output, Write write)
    : m_loop(loop), m_output(std::move(output)), m_write(std::move(write)) {}

AnswerPacer::~AnswerPacer() { disarm(); }

void AnswerPacer::matched(std::string answer, bool framed) {
  disarm();
  m_rewrite.reset();
  const auto now = m_loop.now();
  m_pending = Pending{std::move(answer), framed, now + k_settle, now + k_frame_wait};
  arm(m_pending->not_before, &AnswerPacer::try_write);
}

void AnswerPacer::output_read() {
  if (m_pending) {
    if (m_loop.now() >= m_pending->not_before) {
      try_write(); // settled: it goes once the frame has closed
    }
  } else if (m_rewrite && m_output.framed_events() > m_rewrite->framed_events) {
    disarm(); // the job went on: the answer was read
    m_rewrite.reset();
  }
}

void AnswerPacer::try_write() {
  disarm();
  if (!m_pending) {
    return;
  }
  const auto now = m_loop.now();
  if (now < m_pending->not_before) {
    arm(m_pending->not_before, &AnswerPacer::try_write);
    return;
  }
  if (m_output.in_frame() && now < m_pending->frame_deadline) {
    arm(m_pending->frame_deadline, &AnswerPacer::try_write);
    return;
  }
  Pending sent = std::move(*m_pending);
  m_pending.reset();
  // Written before the prompt's own frame closed (k_frame_wait), that frame's event is still to
  // come and does not show that the answer was read.
  const long framed_events = m_output.framed_events() + (m_output.in_frame() ? 1 : 0);
  m_write(sent.answer);
  // A prompt outside a frame (ssh's, getpass's) flushes the terminal before it is shown, so its
  // answer cannot be lost; writing it again could only leave a secret in the terminal.
  if (sent.framed && !sent.answer.empty()) {
    m_rewrite = Rewrite{std::move(sent.answer), framed_events, k_rewrites};
    arm(now + k_rewrite_after, &AnswerPacer::rewrite_due);
  }
}

void AnswerPacer::rewrite_due() {
  m_timer.reset();
  if (!m_rewrite || m_output.framed_events() > m_rewrite->framed_events) {
    m_rewrite.reset();
    return;
  }
  m_write(m_rewrite->answer);
  if (--m_rewrite->left > 0) {
    arm(m_loop.now() + k_rewrite_after, &AnswerPacer::rewrite_due);
  } else {
    m_rewrite.reset();
  }
}

void AnswerPacer::arm(EventLoop::TimePoint when, void (AnswerPacer::*fn)()) {
  disarm();
  m_timer = m_loop.at(when, [this, fn] {
    m_timer.reset(); // fired: nothing to cancel
    (this->*fn)();
  });
}

void AnswerPacer::disarm() {
  if (m_timer) {
    m_loop.cancel(*m_timer);
    m_timer.reset();
  }
}

} // namespace ansible_runner::exec
