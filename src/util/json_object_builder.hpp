#pragma once
// Building JSON objects member by member in linear time (docs/security.md, "linear time").
// ordered_json keeps members in a vector and its operator[] searches them one by one, so n
// insertions cost n^2/2 key comparisons: a kwargs line with 80,000 keys took 8 s to parse.
// Python's dict semantics, which the reference has: a repeated key keeps its first position and
// takes the last value.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include <ansible_runner/json.hpp>

namespace ansible_runner::util {

class ObjectBuilder {
public:
  // `object` must be a JSON object and outlive the builder; it may already hold members.
  explicit ObjectBuilder(Json& object);

  // object[key] = value, without the linear search.
  void set(std::string key, Json value);

  // object.contains(key), without the linear search.
  bool contains(const std::string& key);

private:
  // Builds the index once the object is large enough to need one; true when it exists.
  bool indexed();

  // Below this many members a plain search is cheaper than keeping an index.
  static constexpr size_t k_indexed_from = 16;

  Json::object_t& m_members;
  std::unordered_map<std::string, size_t> m_index; // key -> position, once indexed
};

// Bounds on one parsed text, checked as it is read (the parser itself is iterative: depth
// costs no stack until the value is copied or printed, which recurse).
struct JsonLimits {
  size_t max_depth = SIZE_MAX;            // nested arrays and objects
  uint64_t max_values = UINT64_MAX;       // values of all kinds, containers included, keys not
  uint64_t max_string_bytes = UINT64_MAX; // one decoded string or key
};

// A text past one of its JsonLimits; the message names the limit.
class JsonLimitError : public std::runtime_error {
public:
  enum class Limit { depth, values, string_bytes };
  JsonLimitError(Limit limit, const std::string& message) : std::runtime_error(message), m_limit(limit) {}
  Limit limit() const { return m_limit; }

private:
  Limit m_limit;
};

// Parses JSON text as Python's json.loads does (NaN, Infinity, -Infinity; 1e999 is infinity;
// integers of any length kept whole), otherwise like Json::parse (the same exceptions:
// parse_error, and JsonLimitError), with every object built by ObjectBuilder.
Json parse_json(std::string_view text, const JsonLimits& limits = {});

// The same, returning a discarded value instead of throwing.
Json parse_json_or_discarded(std::string_view text, const JsonLimits& limits = {});

} // namespace ansible_runner::util
