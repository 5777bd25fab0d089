#include "util/json_python_literals.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>

namespace ansible_runner::util {
namespace {

constexpr double k_inf = std::numeric_limits<double>::infinity();

bool is_number_char(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// True when a number token may overflow a double: only an exponent of three digits or more can.
bool may_overflow(std::string_view token) {
  size_t e = token.find_first_of("eE");
  if (e == std::string_view::npos) {
    return token.size() > 308; // a literal of 309 digits or more
  }
  size_t digits = token.size() - e - 1;
  if (digits > 0 && (token[e + 1] == '+' || token[e + 1] == '-')) {
    return token[e + 1] == '+' && digits - 1 >= 3;
  }
  return digits >= 3;
}

} // namespace

std::optional<PythonLiterals> replace_python_literals(std::string_view text) {
  std::optional<PythonLiterals> out;
  size_t copied = 0; // text[0, copied) is in out->text already
  uint64_t number_index = 0;
  auto replace = [&](size_t start, size_t length, double value, std::string integer = {}) {
    if (!out) {
      out.emplace();
      out->text.reserve(text.size());
    }
    out->text.append(text.substr(copied, start - copied));
    out->text += '0';
    out->literals.push_back(PythonLiteral{number_index, value, std::move(integer)});
    copied = start + length;
  };
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '"') { // skip the string, escapes included
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') {
          ++i;
        }
      }
      ++i;
    } else if (text.substr(i, 3) == "NaN") {
      replace(i, 3, std::numeric_limits<double>::quiet_NaN());
      ++number_index;
      i += 3;
    } else if (text.substr(i, 8) == "Infinity") {
      replace(i, 8, k_inf);
      ++number_index;
      i += 8;
    } else if (text.substr(i, 9) == "-Infinity") {
      replace(i, 9, -k_inf);
      ++number_index;
      i += 9;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      size_t start = i;
      while (i < text.size() && is_number_char(text[i])) {
        ++i;
      }
      std::string_view token = text.substr(start, i - start);
      if (may_overflow(token)) {
        std::string copy(token);
        double value = std::strtod(copy.c_str(), nullptr);
        if (std::isinf(value)) {
          bool integer = token.find_first_of(".eE") == std::string_view::npos;
          replace(start, token.size(), value, integer ? copy : std::string());
        }
      }
      ++number_index;
    } else {
      ++i;
    }
  }
  if (out) {
    out->text.append(text.substr(copied));
  }
  return out;
}

} // namespace ansible_runner::util
