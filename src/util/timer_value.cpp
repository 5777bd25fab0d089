#include "util/timer_value.hpp"

#include <cmath>
#include <string>

#include <ansible_runner/errors.hpp>

#include "util/python_json.hpp"

namespace ansible_runner::util {

double checked_timer_seconds(double seconds, std::string_view what) {
  if (std::isnan(seconds) || seconds < 0) {
    throw ConfigurationError(std::string(what) + " must be 0 or more seconds (0 or infinity: no timer), got " +
                             python_dumps(Json(seconds)));
  }
  return seconds;
}

} // namespace ansible_runner::util
