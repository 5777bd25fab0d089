#include "util/excerpt.hpp"

namespace ansible_runner::util {
namespace {

std::string cut(std::string_view text, size_t limit, bool quote) {
  std::string out;
  if (quote) {
    out += '\'';
  }
  if (text.size() <= limit) {
    out += text;
    if (quote) {
      out += '\'';
    }
    return out;
  }
  size_t end = limit;
  // Back off over UTF-8 continuation bytes so the excerpt stays valid text.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  out += text.substr(0, end);
  out += "...";
  if (quote) {
    out += '\'';
  }
  out += " (cut, " + std::to_string(text.size()) + " bytes)";
  return out;
}

} // namespace

std::string quoted_excerpt(std::string_view text, size_t limit) {
  return cut(text, limit, true);
}

std::string excerpt(std::string_view text, size_t limit) {
  return cut(text, limit, false);
}

} // namespace ansible_runner::util
