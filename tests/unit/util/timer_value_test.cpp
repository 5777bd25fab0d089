#include "util/timer_value.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <limits>

#include <ansible_runner/errors.hpp>

#include "config/settings.hpp"

using ansible_runner::ConfigurationError;
using ansible_runner::util::checked_timer_seconds;
using ansible_runner::util::timer_duration;

namespace {
constexpr double k_inf = std::numeric_limits<double>::infinity();
constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();

std::string refusal(double seconds) {
  try {
    checked_timer_seconds(seconds, "settings: 'job_timeout'");
  } catch (const ConfigurationError& e) {
    return e.what();
  }
  return "";
}
} // namespace

TEST(TimerValue, ZeroInfinityAndCenturiesMeanNoTimer) {
  for (double seconds : {0.0, -0.0, k_inf, 1e300, 4e9}) {
    EXPECT_EQ(seconds, checked_timer_seconds(seconds, "t"));
    EXPECT_FALSE(timer_duration(seconds)) << seconds;
  }
  EXPECT_EQ(std::chrono::milliseconds(1500), timer_duration(1.5));
  EXPECT_EQ(std::chrono::nanoseconds(1), timer_duration(1e-9));
}

TEST(TimerValue, NegativeAndNanAreRefusedNamingTheSetting) {
  EXPECT_EQ("settings: 'job_timeout' must be 0 or more seconds (0 or infinity: no timer), got -5.0", refusal(-5));
  EXPECT_EQ("settings: 'job_timeout' must be 0 or more seconds (0 or infinity: no timer), got -Infinity",
            refusal(-k_inf));
  EXPECT_EQ("settings: 'job_timeout' must be 0 or more seconds (0 or infinity: no timer), got NaN", refusal(k_nan));
  EXPECT_EQ("", refusal(1e-300));
}

TEST(TimerValue, TimeoutKwargIsIntOfTheValueWhenTruthy) {
  using ansible_runner::config::timeout_kwarg;
  EXPECT_FALSE(timeout_kwarg(std::nullopt));
  EXPECT_FALSE(timeout_kwarg(0.0));
  EXPECT_EQ(0.0, timeout_kwarg(0.5)); // truthy, so it wins over the settings: int(0.5) is no timeout
  EXPECT_EQ(3.0, timeout_kwarg(3.9));
  EXPECT_EQ(k_inf, timeout_kwarg(k_inf)); // int(inf) raises in the reference; here: no timeout
  EXPECT_EQ(1e300, timeout_kwarg(1e300)); // no cast to an integer type: nothing undefined
  EXPECT_THROW(timeout_kwarg(-1.0), ConfigurationError);
  EXPECT_THROW(timeout_kwarg(k_nan), ConfigurationError);
}

TEST(TimerValue, SettingsTimersFollowTheRule) {
  using ansible_runner::Json;
  using ansible_runner::config::Settings;
  Settings settings(Json{{"job_timeout", -1}, {"idle_timeout", "soon"}, {"pexpect_timeout", 2.5},
                         {"subprocess_timeout", k_inf}});
  EXPECT_THROW(settings.timer("job_timeout"), ConfigurationError);
  EXPECT_THROW(settings.timer("idle_timeout"), ConfigurationError);
  EXPECT_EQ(2.5, settings.timer("pexpect_timeout"));
  EXPECT_EQ(k_inf, settings.timer("subprocess_timeout"));
  EXPECT_FALSE(settings.timer("missing"));
}
