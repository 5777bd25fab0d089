#include "config/nul_fields.hpp"

#include <ansible_runner/errors.hpp>

#include "util/nul_check.hpp"

namespace ansible_runner::config {

void refuse_nul(const char* field, const std::optional<std::string>& value) {
  if (value && util::has_nul(*value)) {
    throw ConfigurationError(std::string(field) + ": contains a NUL character");
  }
}

void refuse_nul(const char* field, const std::optional<std::vector<std::string>>& values) {
  for (size_t i = 0; values && i < values->size(); ++i) {
    if (util::has_nul((*values)[i])) {
      throw ConfigurationError(std::string(field) + "[" + std::to_string(i) + "]: contains a NUL character");
    }
  }
}

void refuse_nul(const char* field, const std::optional<Json>& value) {
  if (value) {
    if (std::optional<std::string> where = util::find_nul(*value, field)) {
      throw ConfigurationError(*where + ": contains a NUL character");
    }
  }
}

} // namespace ansible_runner::config
