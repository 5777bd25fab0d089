#pragma once
// Timer settings given in seconds (job_timeout, idle_timeout, the subprocess timeout, the
// worker's keepalive) as durations. One meaning everywhere (docs/run-options.md, timer values): a
// value that is not a finite number of seconds above 0 means no timer. Converting infinity or
// 1e300 seconds to integer nanoseconds is undefined behaviour, which fired a job timeout at once.
#include <chrono>
#include <optional>

namespace ansible_runner::util {

// Longest timer kept: about 100 years; anything longer is as good as none.
inline constexpr double k_longest_timer_seconds = 100.0 * 365 * 24 * 3600;

// nullopt for 0, negative, NaN, infinite or longer than k_longest_timer_seconds.
inline std::optional<std::chrono::nanoseconds> timer_duration(double seconds) {
  if (!(seconds > 0) || !(seconds <= k_longest_timer_seconds)) { // NaN fails both comparisons
    return std::nullopt;
  }
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(seconds));
}

} // namespace ansible_runner::util
