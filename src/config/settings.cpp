#include "config/settings.hpp"

#include <cmath>

#include <ansible_runner/errors.hpp>

#include "util/big_integer.hpp"
#include "util/excerpt.hpp"
#include "util/json_object_builder.hpp"
#include "util/python_json.hpp"
#include "util/python_repr.hpp"
#include "util/timer_value.hpp"

namespace ansible_runner::config {

namespace {
[[noreturn]] void bad_type(const char* key, const char* expected, const Json& got) {
  throw ConfigurationError(std::string("settings: '") + key + "' must be " + expected + ", got " +
                           util::excerpt(util::python_dumps(got)));
}
} // namespace

std::optional<double> Settings::number(const char* key) const {
  if (!m_values.contains(key) || m_values[key].is_null()) {
    return std::nullopt;
  }
  const Json& v = m_values[key];
  if (v.is_boolean()) {
    return v.get<bool>() ? 1.0 : 0.0;
  }
  if (auto digits = util::big_integer_text(v)) {
    return util::big_integer_as_double(*digits);
  }
  if (!v.is_number()) {
    bad_type(key, "a number", v);
  }
  return v.get<double>();
}

std::optional<double> Settings::timer(const char* key) const {
  std::optional<double> seconds = number(key);
  if (seconds) {
    util::checked_timer_seconds(*seconds, std::string("settings: '") + key + "'");
  }
  return seconds;
}

bool Settings::flag(const char* key, bool fallback) const {
  return m_values.contains(key) ? util::python_truthy(m_values[key]) : fallback;
}

std::optional<std::string> Settings::string(const char* key, const std::optional<std::string>& fallback) const {
  if (!m_values.contains(key)) {
    return fallback;
  }
  const Json& v = m_values[key];
  if (v.is_null()) {
    return std::nullopt;
  }
  if (!v.is_string()) {
    bad_type(key, "a string", v);
  }
  return v.get<std::string>();
}

std::optional<std::vector<std::string>> Settings::string_list(
    const char* key, const std::optional<std::vector<std::string>>& fallback) const {
  if (!m_values.contains(key)) {
    return fallback;
  }
  return string_list_value(m_values[key], std::string("settings: '") + key + "'");
}

std::optional<Json> Settings::value(const char* key, const std::optional<Json>& fallback) const {
  if (!m_values.contains(key)) {
    return fallback;
  }
  return m_values[key];
}

Json merge_mappings(const std::optional<Json>& kwarg, const std::optional<Json>& file) {
  Json merged = kwarg && kwarg->is_object() && !kwarg->empty() ? *kwarg : Json::object();
  if (file) {
    util::ObjectBuilder members(merged);
    for (const auto& [key, value] : file->items()) {
      members.set(key, value);
    }
  }
  return merged;
}

std::optional<std::vector<std::string>> string_list_value(const Json& v, const std::string& what) {
  if (v.is_null()) {
    return std::nullopt;
  }
  if (v.is_string()) {
    return std::vector<std::string>{v.get<std::string>()};
  }
  auto fail = [&] {
    throw ConfigurationError(what + " must be a list of strings, got " + util::excerpt(util::python_dumps(v)));
  };
  if (!v.is_array()) {
    fail();
  }
  std::vector<std::string> out;
  for (const auto& item : v) {
    if (!item.is_string()) {
      fail();
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::vector<PasswordPrompt> password_prompts(const Json& passwords) {
  std::vector<PasswordPrompt> prompts;
  for (const auto& [pattern, answer] : passwords.items()) {
    PasswordPrompt prompt{pattern, std::nullopt};
    if (!answer.is_null()) {
      prompt.answer = util::python_str(answer);
    }
    prompts.push_back(std::move(prompt));
  }
  return prompts;
}

std::optional<double> nonzero(std::optional<double> value) {
  return value && *value != 0 ? value : std::nullopt;
}

std::optional<double> timeout_kwarg(std::optional<double> timeout) {
  if (!timeout || *timeout == 0) {
    return std::nullopt;
  }
  return std::trunc(util::checked_timer_seconds(*timeout, "timeout")); // int(timeout); infinity stays
}

} // namespace ansible_runner::config
