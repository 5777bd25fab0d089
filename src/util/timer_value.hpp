#pragma once
// Timer settings given in seconds (job_timeout, idle_timeout, pexpect_timeout, the subprocess
// timeout, the worker's keepalive): one rule everywhere (docs/run-options.md, "Timer values").
// A timer is a number of seconds, 0 or more; 0, infinity and more than 100 years mean no timer.
// A negative value or NaN is refused where it enters (checked_timer_seconds): the reference
// times a job out at once on a negative value and never on NaN, and either hides a typo.
// Converting infinity or 1e300 seconds to integer nanoseconds is undefined behaviour, which
// once fired a job timeout at once: timer_duration() is the only conversion.
#include <chrono>
#include <optional>
#include <string_view>

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

// `seconds` when it is a timer value; otherwise (negative, NaN) a ConfigurationError
// "<what> must be 0 or more seconds (0 or infinity: no timer), got <value>".
double checked_timer_seconds(double seconds, std::string_view what);

} // namespace ansible_runner::util
