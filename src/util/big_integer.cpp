#include "util/big_integer.hpp"

#include <cstdlib>
#include <string>
#include <vector>

namespace ansible_runner::util {

Json big_integer(std::string_view decimal) {
  return Json::binary(std::vector<std::uint8_t>(decimal.begin(), decimal.end()), k_big_integer_subtype);
}

std::optional<std::string_view> big_integer_text(const Json& value) {
  if (!value.is_binary()) {
    return std::nullopt;
  }
  const Json::binary_t& bytes = value.get_binary();
  if (!bytes.has_subtype() || bytes.subtype() != k_big_integer_subtype) {
    return std::nullopt;
  }
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

double big_integer_as_double(std::string_view decimal) {
  return std::strtod(std::string(decimal).c_str(), nullptr);
}

bool is_integer_literal(std::string_view text) {
  if (!text.empty() && text.front() == '-') {
    text.remove_prefix(1);
  }
  if (text.empty()) {
    return false;
  }
  for (char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

} // namespace ansible_runner::util
