#pragma once
// YAML text -> Json with the value semantics of PyYAML's safe_load (YAML 1.1 resolver), which
// the reference uses for env files: `yes` is true, `017` is 15, `1:30` is 90, `1.5e3` stays a
// string, `<<` merges mappings. yaml-cpp only parses; the resolving is done here.
#include <optional>
#include <string>

#include <ansible_runner/json.hpp>

namespace ansible_runner::config {

struct YamlError {
  int line = 0;       // 1-based
  std::string message;
};

// Parses one YAML document. Returns Json null for an empty document. On a syntax error (or
// more than one document, which safe_load rejects) returns nullopt and fills `error`.
std::optional<Json> parse_yaml(const std::string& text, YamlError& error);

// Resolves one plain (unquoted) scalar as PyYAML would: null, bool, int, float or string.
Json resolve_plain_scalar(const std::string& text);

} // namespace ansible_runner::config
