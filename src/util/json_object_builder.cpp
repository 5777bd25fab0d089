#include "util/json_object_builder.hpp"

#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "util/big_integer.hpp"
#include "util/json_python_literals.hpp"

namespace ansible_runner::util {

ObjectBuilder::ObjectBuilder(Json& object) : m_members(object.get_ref<Json::object_t&>()) {}

bool ObjectBuilder::indexed() {
  if (!m_index.empty()) {
    return true;
  }
  auto& members = static_cast<std::vector<Json::object_t::value_type>&>(m_members);
  if (members.size() < k_indexed_from) {
    return false;
  }
  m_index.reserve(members.size() * 2);
  for (size_t i = 0; i < members.size(); ++i) {
    m_index.try_emplace(members[i].first, i);
  }
  return true;
}

void ObjectBuilder::set(std::string key, Json value) {
  // ordered_map is a vector of pairs: appending through the vector skips its own search.
  auto& members = static_cast<std::vector<Json::object_t::value_type>&>(m_members);
  if (!indexed()) {
    for (auto& member : members) {
      if (member.first == key) {
        member.second = std::move(value);
        return;
      }
    }
    members.emplace_back(std::move(key), std::move(value));
    return;
  }
  auto [it, added] = m_index.try_emplace(key, members.size());
  if (!added) {
    members[it->second].second = std::move(value);
    return;
  }
  members.emplace_back(std::move(key), std::move(value));
}

bool ObjectBuilder::contains(const std::string& key) {
  if (indexed()) {
    return m_index.contains(key);
  }
  for (const auto& member : m_members) {
    if (member.first == key) {
      return true;
    }
  }
  return false;
}

namespace {

// nlohmann's SAX events turned into a value, as its own DOM builder does, but with objects
// built by ObjectBuilder, and the JsonLimits checked as each value arrives.
class LinearBuilder {
public:
  using number_integer_t = Json::number_integer_t;
  using number_unsigned_t = Json::number_unsigned_t;
  using number_float_t = Json::number_float_t;
  using string_t = Json::string_t;
  using binary_t = Json::binary_t;

  LinearBuilder(bool throw_errors, const JsonLimits& limits, const std::vector<PythonLiteral>* literals)
      : m_throw(throw_errors), m_limits(limits), m_literals(literals) {}

  bool null() { return counted() && add(Json(nullptr)); }
  bool boolean(bool value) { return counted() && add(Json(value)); }
  bool number_integer(number_integer_t value) { return counted() && add(literal_or(Json(value))); }
  bool number_unsigned(number_unsigned_t value) { return counted() && add(literal_or(Json(value))); }
  // nlohmann makes an integer beyond 64 bits a double; Python keeps it whole.
  bool number_float(number_float_t value, const string_t& text) {
    return counted() && add(literal_or(is_integer_literal(text) ? big_integer(text) : Json(value)));
  }
  bool string(string_t& value) { return counted() && fits(value, "a string") && add(Json(std::move(value))); }
  bool binary(binary_t& value) { return counted() && add(Json::binary(std::move(value))); }

  bool start_object(std::size_t /*size*/) {
    if (!counted() || !deeper()) {
      return false;
    }
    m_stack.emplace_back(Json::object());
    return true;
  }
  bool key(string_t& key) {
    if (!fits(key, "a key")) {
      return false;
    }
    m_stack.back().key = std::move(key);
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t /*size*/) {
    if (!counted() || !deeper()) {
      return false;
    }
    m_stack.emplace_back(Json::array());
    return true;
  }
  bool end_array() { return close(); }

  bool parse_error(std::size_t /*position*/, const std::string& /*token*/, const nlohmann::detail::exception& error) {
    if (!m_throw) {
      return false;
    }
    if (const auto* parse = dynamic_cast<const Json::parse_error*>(&error)) {
      throw *parse;
    }
    if (const auto* range = dynamic_cast<const Json::out_of_range*>(&error)) {
      throw *range;
    }
    throw Json::other_error::create(599, error.what(), static_cast<const Json*>(nullptr));
  }

  Json result() { return std::move(m_result); }

private:
  struct Frame {
    explicit Frame(Json v) : value(std::move(v)) {
      if (value.is_object()) {
        builder.emplace(value);
      }
    }
    Frame(Frame&&) = delete; // the builder refers to `value`: frames live in a deque
    Json value;
    std::string key;
    std::optional<ObjectBuilder> builder;
  };

  bool add(Json value) {
    if (m_stack.empty()) {
      m_result = std::move(value);
    } else if (Frame& top = m_stack.back(); top.builder) {
      top.builder->set(std::move(top.key), std::move(value));
    } else {
      top.value.get_ref<Json::array_t&>().push_back(std::move(value));
    }
    return true;
  }
  bool close() {
    Json done = std::move(m_stack.back().value);
    m_stack.pop_back();
    return add(std::move(done));
  }

  // Past a limit: throws JsonLimitError, or stops the parse (a discarded value).
  bool refuse(JsonLimitError::Limit limit, const std::string& why) {
    if (m_throw) {
      throw JsonLimitError(limit, why);
    }
    return false;
  }
  bool counted() {
    return ++m_values <= m_limits.max_values ||
           refuse(JsonLimitError::Limit::values, "more than " + std::to_string(m_limits.max_values) + " values");
  }
  bool deeper() {
    return m_stack.size() < m_limits.max_depth ||
           refuse(JsonLimitError::Limit::depth, "nested deeper than " + std::to_string(m_limits.max_depth) + " levels");
  }
  bool fits(const string_t& text, const char* what) {
    return text.size() <= m_limits.max_string_bytes ||
           refuse(JsonLimitError::Limit::string_bytes, std::string(what) + " of " + std::to_string(text.size()) +
                                                           " bytes, over the limit of " +
                                                           std::to_string(m_limits.max_string_bytes));
  }

  // The value of the number that stands for a Python literal (NaN, Infinity, 1e999), if this
  // one does; numbers arrive in the order of the text.
  Json literal_or(Json parsed) {
    uint64_t index = m_numbers++;
    if (m_literals && m_next_literal < m_literals->size() && (*m_literals)[m_next_literal].index == index) {
      const PythonLiteral& literal = (*m_literals)[m_next_literal++];
      return literal.integer.empty() ? Json(literal.value) : big_integer(literal.integer);
    }
    return parsed;
  }

  bool m_throw;
  const JsonLimits& m_limits;
  const std::vector<PythonLiteral>* m_literals;
  uint64_t m_numbers = 0;
  size_t m_next_literal = 0;
  uint64_t m_values = 0;
  std::deque<Frame> m_stack;
  Json m_result;
};

Json parse_with(std::string_view text, bool throw_errors, const JsonLimits& limits) {
  std::optional<PythonLiterals> literals = replace_python_literals(text);
  LinearBuilder builder(throw_errors, limits, literals ? &literals->literals : nullptr);
  if (!Json::sax_parse(literals ? std::string_view(literals->text) : text, &builder, Json::input_format_t::json,
                       /*strict=*/true)) {
    return Json(Json::value_t::discarded);
  }
  return builder.result();
}

} // namespace

Json parse_json(std::string_view text, const JsonLimits& limits) {
  return parse_with(text, true, limits);
}

Json parse_json_or_discarded(std::string_view text, const JsonLimits& limits) {
  return parse_with(text, false, limits);
}

} // namespace ansible_runner::util
