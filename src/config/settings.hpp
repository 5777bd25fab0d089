#pragma once
// Typed access to the merged settings mapping (kwarg `settings` updated with env/settings,
// docs/private-data-dir.md 4). Values are used as the reference uses them; a value of the wrong
// type is an error naming the key (the reference would crash later or misbehave silently).
#include <optional>
#include <string>
#include <vector>

#include <ansible_runner/json.hpp>

#include "config/job_config.hpp"

namespace ansible_runner::config {

class Settings {
public:
  explicit Settings(Json merged) : m_values(std::move(merged)) {}

  const Json& values() const { return m_values; }
  bool has(const char* key) const { return m_values.contains(key); }

  // A number (bools count as 0/1, as in Python); null or missing: nullopt.
  std::optional<double> number(const char* key) const;
  // A timer in seconds (job_timeout, idle_timeout, pexpect_timeout, subprocess_timeout): a
  // number() that util::checked_timer_seconds takes; a negative value or NaN is refused.
  std::optional<double> timer(const char* key) const;
  // Python truthiness of the value; missing: fallback.
  bool flag(const char* key, bool fallback) const;
  // A string; missing: fallback; null: nullopt.
  std::optional<std::string> string(const char* key, const std::optional<std::string>& fallback) const;
  // A list of strings (a single string is one element; the reference would split it into
  // characters); missing: fallback; null: nullopt.
  std::optional<std::vector<std::string>> string_list(const char* key,
                                                      const std::optional<std::vector<std::string>>& fallback) const;
  // Any JSON value; missing: fallback.
  std::optional<Json> value(const char* key, const std::optional<Json>& fallback) const;

private:
  Json m_values;
};

// Merges the kwarg mapping with the file's (the file wins, docs/private-data-dir.md 3).
Json merge_mappings(const std::optional<Json>& kwarg, const std::optional<Json>& file);

// A JSON value as a list of strings: null -> nullopt; a plain string is one element (the
// reference iterates it character by character; one path is meant). Otherwise a
// ConfigurationError "<what> must be a list of strings, got ...".
std::optional<std::vector<std::string>> string_list_value(const Json& v, const std::string& what);

// The merged passwords mapping as prompts, answers as Python's str() gives them (null: none).
std::vector<PasswordPrompt> password_prompts(const Json& passwords);

// Timeouts are only honoured when truthy (the reference tests `if job_timeout and ...`).
std::optional<double> nonzero(std::optional<double> value);

// The `timeout` kwarg as the reference reads it: int(timeout) when truthy, which then wins over
// the settings (0.5 gives 0: no timeout); nullopt when unset or 0. Negative and NaN are refused
// as every timer is; infinity (which int() refuses) stays infinity: no timeout.
std::optional<double> timeout_kwarg(std::optional<double> timeout);

} // namespace ansible_runner::config
