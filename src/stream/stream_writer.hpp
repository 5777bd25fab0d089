#pragma once
// Writing side of the framing (docs/streaming-protocol.md 1 and 3.5).
//
// Every message is written with write(2) straight to the fd, so each line is on the wire as soon
// as the call returns (the reference flushes after every line). Messages are serialised by one
// mutex, which is what makes keepalives safe: a keepalive can never land inside a line or a zip
// payload, and none is written after eof.
//
// Why a thread for keepalives: the worker spends most of its time inside run(), whose event loop
// belongs to the runner and offers no timer hook to the stream layer. A small thread that sleeps
// on a condition variable until the stream has been idle for N seconds is the simplest correct
// design; it touches nothing but this writer. It runs with all signals blocked so SIGINT/SIGTERM
// still reach the thread that waits for them.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>

#include <ansible_runner/json.hpp>

namespace ansible_runner::stream {

// What a keepalive setting means (docs/streaming-protocol.md, "keepalive"): none where
// util::timer_duration says none (0, infinity, over 100 years; negative and NaN are refused
// where they enter, util::checked_timer_seconds; upstream sends none for <= 0 and its timer
// thread dies on infinity); intervals under a millisecond become a millisecond, so a tiny value
// cannot flood the stream or starve the job's own writes.
std::optional<std::chrono::nanoseconds> keepalive_interval(double seconds);

class StreamWriter {
public:
  // Starts the keepalive timer when keepalive_interval(keepalive_seconds) is set.
  explicit StreamWriter(int fd, double keepalive_seconds = 0);
  ~StreamWriter();
  StreamWriter(const StreamWriter&) = delete;
  StreamWriter& operator=(const StreamWriter&) = delete;

  // Writes python_dumps(message) + "\n". Returns false on a write error (and remembers it).
  bool write_message(const Json& message);

  // Writes `{"zipfile": N}\n` and the base64 of the N bytes of zip_fd (read from offset 0),
  // with nothing after the last character. Throws Error on a read or write failure.
  void write_zip(int zip_fd);

  // Writes `{"eof": true}\n` and stops keepalives; anything written later is dropped.
  bool write_eof();

  // True once any write failed (e.g. the reader went away).
  bool failed() const;

private:
  using Clock = std::chrono::steady_clock;

  // Writes while m_mutex is held; updates the idle timer.
  bool write_locked(std::string_view data);
  void keepalive_loop();

  int m_fd;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  Clock::time_point m_last_write;
  Clock::duration m_interval{};
  bool m_closed = false;
  bool m_failed = false;
  std::thread m_keepalive;
};

} // namespace ansible_runner::stream
