#include "config/yaml_value.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "util/big_integer.hpp"
#include "util/json_object_builder.hpp"
#include "util/python_float.hpp"
#include "util/python_repr.hpp"

namespace ansible_runner::config {

namespace {

// PyYAML's implicit resolvers (resolver.py), rewritten for std::regex.
const std::regex& bool_re() {
  static const std::regex re("yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF");
  return re;
}
const std::regex& int_re() {
  static const std::regex re("[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
                             "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+");
  return re;
}
const std::regex& float_re() {
  static const std::regex re("[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9_]+(?:[eE][-+][0-9]+)?"
                             "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)"
                             "|\\.(?:nan|NaN|NAN)");
  return re;
}

// Digits beyond 64 bits: Python keeps the exact integer, so do we (util/big_integer.hpp) when
// it is written in decimal; other bases stay the text they were written as.
Json make_int(bool negative, uint64_t magnitude, const std::string& text) {
  constexpr uint64_t k_max_positive = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (!negative) {
    return magnitude <= k_max_positive ? Json(static_cast<int64_t>(magnitude)) : Json(magnitude);
  }
  if (magnitude <= k_max_positive) {
    return Json(-static_cast<int64_t>(magnitude));
  }
  if (magnitude == k_max_positive + 1) {
    return Json(std::numeric_limits<int64_t>::min());
  }
  return util::is_integer_literal(text) ? util::big_integer(text) : Json(text);
}

Json construct_int(std::string text) {
  std::erase(text, '_');
  bool negative = false;
  size_t pos = 0;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    pos = 1;
  }
  std::string body = text.substr(pos);
  std::string signed_text = negative ? "-" + body : body;
  uint64_t value = 0;
  bool overflow = false;
  auto push_digit = [&](uint64_t base, uint64_t digit) {
    overflow = overflow || __builtin_mul_overflow(value, base, &value) ||
               __builtin_add_overflow(value, digit, &value);
  };
  auto accumulate = [&](uint64_t base, const std::string& digits) {
    for (char c : digits) {
      uint64_t d = c >= 'a' ? static_cast<uint64_t>(c - 'a' + 10)
                 : c >= 'A' ? static_cast<uint64_t>(c - 'A' + 10)
                            : static_cast<uint64_t>(c - '0');
      push_digit(base, d);
    }
  };
  if (body == "0") {
    return Json(0);
  }
  if (body.starts_with("0b")) {
    accumulate(2, body.substr(2));
  } else if (body.starts_with("0x")) {
    accumulate(16, body.substr(2));
  } else if (body.starts_with('0')) {
    accumulate(8, body.substr(1));
  } else if (body.find(':') != std::string::npos) {
    // Sexagesimal: 1:30 is 90.
    size_t start = 0;
    while (true) {
      size_t colon = body.find(':', start);
      std::string part = body.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
      uint64_t part_value = 0;
      for (char c : part) {
        part_value = part_value * 10 + static_cast<uint64_t>(c - '0');
      }
      push_digit(60, part_value);
      if (colon == std::string::npos) {
        break;
      }
      start = colon + 1;
    }
  } else {
    accumulate(10, body);
  }
  if (overflow) {
    return util::is_integer_literal(signed_text) ? util::big_integer(signed_text) : Json(signed_text);
  }
  return make_int(negative, value, signed_text);
}

// Python's float(): out-of-range text gives inf or 0.0 where std::stod would throw (found by
// fuzzing: `job_timeout: 1.0e+999`). The text has passed float_re, so it is a number.
double to_double(const std::string& text) { return util::python_float(text).value_or(0.0); }

Json construct_float(std::string text) {
  std::erase(text, '_');
  std::string lower;
  for (char c : text) {
    lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  double sign = 1;
  if (!lower.empty() && (lower[0] == '-' || lower[0] == '+')) {
    sign = lower[0] == '-' ? -1 : 1;
    lower.erase(0, 1);
  }
  if (lower == ".inf") {
    return Json(sign * std::numeric_limits<double>::infinity());
  }
  if (lower == ".nan") {
    return Json(std::numeric_limits<double>::quiet_NaN());
  }
  if (lower.find(':') != std::string::npos) {
    double value = 0;
    size_t start = 0;
    while (true) {
      size_t colon = lower.find(':', start);
      std::string part = lower.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
      value = value * 60 + to_double(part);
      if (colon == std::string::npos) {
        break;
      }
      start = colon + 1;
    }
    return Json(sign * value);
  }
  if (lower.ends_with('.')) {
    lower += '0';
  }
  if (lower.starts_with('.')) {
    lower.insert(0, "0");
  }
  return Json(sign * to_double(lower));
}

// Aliases let a short document refer to itself (`&a [*a]`) or expand exponentially ("billion
// laughs"). PyYAML shares aliased nodes; we copy them into Json, so both are bounded: by depth
// and by the number of values made (found by fuzzing env files: a stack overflow and a hang).
constexpr size_t k_max_yaml_depth = 1000;
constexpr size_t k_max_yaml_values = 100'000;

struct Budget {
  size_t values = 0;
  size_t depth = 0;
  // Resolved scalars by tag and text: aliased copies repeat the same few, and resolving one
  // takes several std::regex matches.
  std::map<std::pair<std::string, std::string>, Json> scalars;
};

Json convert(const YAML::Node& node, Budget& budget);

// `<<: *anchor` or `<<: [*a, *b]`: keys of the merged mappings that the mapping does not set
// itself (PyYAML flatten_mapping; earlier sources in a list win).
void merge_into(Json& target, const YAML::Node& source, util::ObjectBuilder& merged, Budget& budget) {
  auto merge_one = [&](const YAML::Node& m) {
    if (!m.IsMap()) {
      return;
    }
    Json value = convert(m, budget);
    for (auto& [k, v] : value.items()) {
      if (!merged.contains(k)) {
        merged.set(k, v);
      }
    }
  };
  if (source.IsSequence()) {
    for (const auto& item : source) {
      merge_one(item);
    }
  } else {
    merge_one(source);
  }
  (void)target;
}

Json convert_scalar(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  const std::string& tag = node.Tag();
  if (tag == "?") {
    return resolve_plain_scalar(text);
  }
  if (tag == "tag:yaml.org,2002:int" && std::regex_match(text, int_re())) {
    return construct_int(text);
  }
  if (tag == "tag:yaml.org,2002:float" && std::regex_match(text, float_re())) {
    return construct_float(text);
  }
  if (tag == "tag:yaml.org,2002:bool" && std::regex_match(text, bool_re())) {
    return Json(text[0] == 'y' || text[0] == 'Y' || text[0] == 't' || text[0] == 'T' || text == "on" ||
                text == "On" || text == "ON");
  }
  if (tag == "tag:yaml.org,2002:null") {
    return Json(nullptr);
  }
  return Json(text);
}

// Keeps a Budget's depth while one node is converted.
class DepthStep {
public:
  DepthStep(Budget& budget, const YAML::Node& node) : m_budget(budget) {
    if (++budget.values > k_max_yaml_values) {
      throw YAML::Exception(node.Mark(), "the document expands to more than " + std::to_string(k_max_yaml_values) +
                                             " values (through aliases?)");
    }
    if (++budget.depth > k_max_yaml_depth) {
      throw YAML::Exception(node.Mark(), "the document nests deeper than " + std::to_string(k_max_yaml_depth) +
                                             " levels (a recursive alias?)");
    }
  }
  ~DepthStep() { --m_budget.depth; }
  DepthStep(const DepthStep&) = delete;
  DepthStep& operator=(const DepthStep&) = delete;

private:
  Budget& m_budget;
};

Json convert(const YAML::Node& node, Budget& budget) {
  DepthStep step(budget, node);
  switch (node.Type()) {
  case YAML::NodeType::Undefined:
  case YAML::NodeType::Null: return Json(nullptr);
  case YAML::NodeType::Scalar: {
    auto key = std::make_pair(node.Tag(), node.Scalar());
    auto found = budget.scalars.find(key);
    if (found == budget.scalars.end()) {
      found = budget.scalars.emplace(std::move(key), convert_scalar(node)).first;
    }
    return found->second;
  }
  case YAML::NodeType::Sequence: {
    Json out = Json::array();
    for (const auto& item : node) {
      out.push_back(convert(item, budget));
    }
    return out;
  }
  case YAML::NodeType::Map: {
    Json out = Json::object();
    util::ObjectBuilder members(out);
    Json merged = Json::object();
    util::ObjectBuilder merged_members(merged);
    for (const auto& entry : node) {
      const YAML::Node& key = entry.first;
      if (key.IsScalar() && key.Tag() == "?" && key.Scalar() == "<<") {
        merge_into(out, entry.second, merged_members, budget);
        continue;
      }
      // Python dict keys can be any hashable; the runner only ever uses their str().
      members.set(util::python_str(convert(key, budget)), convert(entry.second, budget));
    }
    for (auto& [k, v] : merged.items()) {
      if (!members.contains(k)) {
        members.set(k, v);
      }
    }
    return out;
  }
  }
  return Json(nullptr);
}

// One pass over the parser's events, which builds no nodes, before yaml-cpp builds any:
//  * PyYAML refuses a mapping key that is a list or a mapping ("found unhashable key"), and
//    yaml-cpp builds such keys in time exponential in their nesting (`? ? ? ...`: 24 levels take
//    a second, 40 minutes);
//  * yaml-cpp 0.7 never gets past a stray `,` at block level (jbeder/yaml-cpp#1040, fixed in
//    0.8): it reports an empty document at the same place again and again, so LoadAll() loops.
// Both found by fuzzing env files. The pass stops after a second document.
class EventPrePass : public YAML::EventHandler {
public:
  size_t documents() const { return m_documents; }
  // Where the first node of the first two documents starts.
  const std::vector<YAML::Mark>& document_starts() const { return m_starts; }

  void OnDocumentStart(const YAML::Mark&) override {
    ++m_documents;
    m_stack.clear();
    m_first_node = true;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
    node(mark);
    completed();
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    node(mark);
    if (at_key() && m_collections.contains(anchor)) {
      refuse(mark);
    }
    completed();
  }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
    node(mark);
    completed();
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor, false);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(mark, anchor, true);
  }
  void OnMapEnd() override { close(); }

private:
  struct Level {
    bool map;
    bool expecting_key;
  };

  void node(const YAML::Mark& mark) {
    if (m_first_node) {
      m_first_node = false;
      m_starts.push_back(mark);
    }
  }
  bool at_key() const { return !m_stack.empty() && m_stack.back().map && m_stack.back().expecting_key; }
  // A whole node ended: in a mapping, keys and values alternate.
  void completed() {
    if (!m_stack.empty() && m_stack.back().map) {
      m_stack.back().expecting_key = !m_stack.back().expecting_key;
    }
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor, bool map) {
    node(mark);
    if (at_key()) {
      refuse(mark);
    }
    if (anchor != YAML::NullAnchor) {
      m_collections.insert(anchor);
    }
    m_stack.push_back({map, true});
  }
  void close() {
    if (!m_stack.empty()) {
      m_stack.pop_back();
    }
    completed();
  }
  [[noreturn]] static void refuse(const YAML::Mark& mark) {
    throw YAML::Exception(mark, "found unhashable key (a mapping key that is a list or a mapping)");
  }

  size_t m_documents = 0;
  bool m_first_node = false;
  std::vector<YAML::Mark> m_starts;
  std::vector<Level> m_stack;
  std::set<YAML::anchor_t> m_collections;
};

// Runs the pre-pass; throws YAML::Exception for what must not reach yaml-cpp's node builder,
// including a second document (refused anyway, and the way the `,` loop shows).
void check_events(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  EventPrePass pass;
  while (pass.documents() < 2 && parser.HandleNextDocument(pass)) {
  }
  if (pass.documents() < 2) {
    return;
  }
  const auto& starts = pass.document_starts();
  if (starts.size() == 2 && starts[0].pos == starts[1].pos) {
    throw YAML::Exception(starts[1], "unexpected character where a document should start");
  }
  throw YAML::Exception(starts.size() == 2 ? starts[1] : YAML::Mark::null_mark(),
                        "expected a single document in the stream");
}

} // namespace

Json resolve_plain_scalar(const std::string& text) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return Json(nullptr);
  }
  if (std::regex_match(text, bool_re())) {
    char c = text[0];
    bool value = c == 'y' || c == 'Y' || c == 't' || c == 'T' || text == "on" || text == "On" || text == "ON";
    return Json(value);
  }
  if (std::regex_match(text, int_re())) {
    return construct_int(text);
  }
  if (std::regex_match(text, float_re())) {
    return construct_float(text);
  }
  return Json(text);
}

std::optional<Json> parse_yaml(const std::string& text, YamlError& error) {
  try {
    check_events(text); // at most one document from here on
    YAML::Node doc = YAML::Load(text);
    Budget budget;
    return convert(doc, budget);
  } catch (const YAML::Exception& e) {
    error.line = e.mark.line + 1;
    error.message = e.msg;
    return std::nullopt;
  }
}

} // namespace ansible_runner::config
