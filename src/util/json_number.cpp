#include "util/json_number.hpp"

#include <charconv>
#include <limits>

#include <ansible_runner/json.hpp>

#include "util/python_json.hpp"

namespace ansible_runner::util {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

} // namespace

bool json_number_extent(std::string_view s, size_t i, size_t& end, bool& is_float) {
  size_t p = i;
  if (p < s.size() && s[p] == '-') {
    ++p;
  }
  if (p >= s.size() || !digit(s[p])) {
    return false;
  }
  if (s[p] == '0') {
    ++p;
  } else {
    while (p < s.size() && digit(s[p])) {
      ++p;
    }
  }
  is_float = false;
  if (p + 1 < s.size() && s[p] == '.' && digit(s[p + 1])) {
    is_float = true;
    p += 2;
    while (p < s.size() && digit(s[p])) {
      ++p;
    }
  }
  if (p < s.size() && (s[p] == 'e' || s[p] == 'E')) {
    size_t q = p + 1;
    if (q < s.size() && (s[q] == '+' || s[q] == '-')) {
      ++q;
    }
    if (q < s.size() && digit(s[q])) {
      is_float = true;
      p = q;
      while (p < s.size() && digit(s[p])) {
        ++p;
      }
    }
  }
  end = p;
  return true;
}

std::string python_float_repr(std::string_view token) {
  double d = 0;
  auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), d);
  (void)end;
  if (ec == std::errc::result_out_of_range) {
    size_t e = token.find_first_of("eE");
    bool tiny = e != std::string_view::npos && e + 1 < token.size() && token[e + 1] == '-';
    double magnitude = tiny ? 0.0 : std::numeric_limits<double>::infinity();
    d = token.front() == '-' ? -magnitude : magnitude;
  }
  return python_dumps(Json(d));
}

} // namespace ansible_runner::util
