#pragma once
// Options that become paths, arguments, environment values or settings may not hold a NUL
// character: the kernel would read them only up to it (docs/security.md, "Errors that quote
// input"). Each check throws ConfigurationError("<field>: contains a NUL character").
#include <optional>
#include <string>
#include <vector>

#include <ansible_runner/json.hpp>

namespace ansible_runner::config {

void refuse_nul(const char* field, const std::optional<std::string>& value);
void refuse_nul(const char* field, const std::optional<std::vector<std::string>>& values);
void refuse_nul(const char* field, const std::optional<Json>& value); // keys and nested values too

} // namespace ansible_runner::config
