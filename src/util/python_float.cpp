#include "util/python_float.hpp"

#include <cstdlib>
#include <limits>
#include <string>

namespace ansible_runner::util {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_lower(std::string_view text, std::string_view word) {
  if (text.size() != word.size()) {
    return false;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (lower(text[i]) != word[i]) {
      return false;
    }
  }
  return true;
}

// Appends a run of digits with single underscores between them to `out`; false when there is
// none or an underscore is misplaced. `i` moves past the run.
bool digits(std::string_view text, size_t& i, std::string& out) {
  size_t start = out.size();
  while (i < text.size()) {
    if (is_digit(text[i])) {
      out += text[i++];
    } else if (text[i] == '_' && out.size() > start && i + 1 < text.size() && is_digit(text[i + 1])) {
      ++i;
    } else {
      break;
    }
  }
  return out.size() > start;
}

} // namespace

std::optional<double> python_float(std::string_view text) {
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  std::string clean;
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    clean += text[i++];
  }
  std::string_view word = text.substr(i);
  if (equals_lower(word, "inf") || equals_lower(word, "infinity")) {
    return clean == "-" ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  if (equals_lower(word, "nan")) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  bool whole = digits(text, i, clean);
  bool fraction = false;
  if (i < text.size() && text[i] == '.') {
    clean += text[i++];
    fraction = digits(text, i, clean);
  }
  if (!whole && !fraction) {
    return std::nullopt;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    clean += text[i++];
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      clean += text[i++];
    }
    if (!digits(text, i, clean)) {
      return std::nullopt;
    }
  }
  if (i != text.size()) {
    return std::nullopt;
  }
  return std::strtod(clean.c_str(), nullptr); // ERANGE: +-inf or 0.0, which is Python's answer
}

} // namespace ansible_runner::util
