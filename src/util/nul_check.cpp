#include "util/nul_check.hpp"

#include "util/excerpt.hpp"

namespace ansible_runner::util {
namespace {

constexpr size_t k_key_excerpt = 64;

bool search(const Json& value, std::string& path) {
  if (value.is_string()) {
    return has_nul(value.get_ref<const std::string&>());
  }
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      size_t before = path.size();
      path += '.';
      path += excerpt(it.key(), k_key_excerpt);
      if (has_nul(it.key()) || search(it.value(), path)) {
        return true;
      }
      path.resize(before);
    }
  } else if (value.is_array()) {
    size_t index = 0;
    for (const Json& item : value) {
      size_t before = path.size();
      path += '[' + std::to_string(index++) + ']';
      if (search(item, path)) {
        return true;
      }
      path.resize(before);
    }
  }
  return false;
}

} // namespace

std::optional<std::string> find_nul(const Json& value, const std::string& root) {
  std::string path = root;
  if (search(value, path)) {
    return path;
  }
  return std::nullopt;
}

} // namespace ansible_runner::util
