#include "util/json_parse.hpp"

#include "util/json_object_builder.hpp"
#include "util/utf8.hpp"

namespace ansible_runner::util {
namespace {

// The code unit of a \uXXXX escape at text[i] (pointing at the backslash), or -1.
long escape_at(const std::string& text, size_t i) {
  if (i + 6 > text.size() || text[i] != '\\' || text[i + 1] != 'u') {
    return -1;
  }
  return hex4(text, i + 2);
}

} // namespace

bool replace_lone_surrogates(std::string& text) {
  bool changed = false;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] != '\\') {
      continue;
    }
    if (text[i + 1] != 'u') {
      ++i; // any other escape, including an escaped backslash
      continue;
    }
    long unit = escape_at(text, i);
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      long low = escape_at(text, i + 6);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        i += 11; // a valid pair
        continue;
      }
    } else if (!(unit >= 0xDC00 && unit <= 0xDFFF)) {
      i += 5;
      continue;
    }
    text.replace(i + 2, 4, "fffd");
    changed = true;
    i += 5;
  }
  return changed;
}

bool json_nesting_exceeds(std::string_view text, size_t max_depth) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        return true;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

Json parse_python_json(std::string_view text, const JsonLimits& limits) {
  Json value = parse_json_or_discarded(text, limits);
  bool may_have_surrogates =
      text.find("\\ud") != std::string_view::npos || text.find("\\uD") != std::string_view::npos;
  if (!value.is_discarded() || !may_have_surrogates) {
    return value;
  }
  std::string copy(text);
  if (!replace_lone_surrogates(copy)) {
    return value;
  }
  return parse_json_or_discarded(copy, limits);
}

} // namespace ansible_runner::util
