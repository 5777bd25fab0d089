#pragma once
// Writing side of the framing (docs/streaming-protocol.md 1 and 3.5).
//
// Every message is written with write(2) straight to the fd, so each line is on the wire as soon
// as the call returns (the reference flushes after every line).
//
// Keepalives have no thread of their own: the loop that owns the worker's time (the job stream
// reader while it waits for input, the job's loop while the job runs) calls keep_alive() when it
// wakes, and sleeps no longer than keep_alive() says. Everything is written from that one
// thread, so a keepalive can never land inside a line or a zip payload, and none follows eof.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

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
  using Clock = std::chrono::steady_clock;

  // Keepalives are on when keepalive_interval(keepalive_seconds) is set.
  explicit StreamWriter(int fd, double keepalive_seconds = 0);
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
  bool failed() const { return m_failed; }

  // Writes a keepalive line when nothing was written for the interval up to `now`, and returns
  // how long from `now` until the next one is due; nullopt when keepalives are off or eof was
  // written. A failed keepalive is remembered like any failed write.
  std::optional<Clock::duration> keep_alive(Clock::time_point now);

private:
  bool write_raw(std::string_view data);

  int m_fd;
  Clock::time_point m_last_write;
  std::optional<Clock::duration> m_interval;
  bool m_closed = false;
  bool m_failed = false;
};

} // namespace ansible_runner::stream
