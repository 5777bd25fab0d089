#include "util/python_json_form.hpp"

#include <array>
#include <charconv>

#include "util/python_json.hpp"

namespace ansible_runner::util {
namespace {

constexpr int k_max_depth = 128;

// Printable ASCII but '"' and '\\': written as they are by json.dumps.
constexpr std::array<bool, 256> make_plain_table() {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x7F; ++c) {
    t[static_cast<size_t>(c)] = c != '"' && c != '\\';
  }
  return t;
}
constexpr auto k_plain = make_plain_table();

int hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10; // json.dumps writes lower case only
  }
  return -1;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

class FormChecker {
public:
  FormChecker(std::string_view text, std::vector<std::string_view>& keys) : m_text(text), m_keys(keys) {
    m_keys.clear();
  }

  bool top_object(std::vector<RawMember>& members) {
    members.clear();
    return object(&members, 0) && m_pos == m_text.size();
  }

private:
  bool at(char c) const { return m_pos < m_text.size() && m_text[m_pos] == c; }

  bool skip(std::string_view s) {
    if (m_text.substr(m_pos, s.size()) != s) {
      return false;
    }
    m_pos += s.size();
    return true;
  }

  // \uXXXX at m_pos (after the backslash and 'u'); -1 if malformed.
  long unit_at(size_t p) const {
    if (p + 4 > m_text.size()) {
      return -1;
    }
    long v = 0;
    for (size_t k = 0; k < 4; ++k) {
      int h = hex_digit(m_text[p + k]);
      if (h < 0) {
        return -1;
      }
      v = v * 16 + h;
    }
    return v;
  }

  bool string() {
    ++m_pos; // the opening quote
    const size_t size = m_text.size();
    for (;;) {
      while (m_pos < size && k_plain[static_cast<unsigned char>(m_text[m_pos])]) {
        ++m_pos;
      }
      if (m_pos >= size) {
        return false;
      }
      char c = m_text[m_pos];
      if (c == '"') {
        ++m_pos;
        return true;
      }
      if (c != '\\' || m_pos + 1 >= size) {
        return false; // a raw control, DEL or non-ASCII byte: json.dumps escapes those
      }
      char e = m_text[m_pos + 1];
      if (e == '"' || e == '\\' || e == 'n' || e == 'r' || e == 't' || e == 'b' || e == 'f') {
        m_pos += 2;
        continue;
      }
      if (e != 'u') {
        return false;
      }
      long unit = unit_at(m_pos + 2);
      if (unit < 0) {
        return false;
      }
      bool escaped_by_python = (unit < 0x20 && unit != '\n' && unit != '\r' && unit != '\t' && unit != '\b' &&
                                unit != '\f') ||
                               unit >= 0x7F;
      if (!escaped_by_python || (unit >= 0xDC00 && unit <= 0xDFFF)) {
        return false;
      }
      if (unit >= 0xD800 && unit <= 0xDBFF) {
        long low = m_text.substr(m_pos + 6, 2) == "\\u" ? unit_at(m_pos + 8) : -1;
        if (low < 0xDC00 || low > 0xDFFF) {
          return false; // a lone surrogate
        }
        m_pos += 6;
      }
      m_pos += 6;
    }
  }

  bool number() {
    size_t start = m_pos;
    if (at('-')) {
      ++m_pos;
    }
    size_t digits = m_pos;
    while (m_pos < m_text.size() && is_digit(m_text[m_pos])) {
      ++m_pos;
    }
    size_t count = m_pos - digits;
    if (count == 0 || (count > 1 && m_text[digits] == '0')) {
      return false;
    }
    if (!at('.') && !at('e') && !at('E')) {
      return count <= 18 && m_text.substr(start, m_pos - start) != "-0";
    }
    while (m_pos < m_text.size() && (is_digit(m_text[m_pos]) || m_text[m_pos] == '.' || m_text[m_pos] == 'e' ||
                                     m_text[m_pos] == 'E' || m_text[m_pos] == '+' || m_text[m_pos] == '-')) {
      ++m_pos;
    }
    std::string_view token = m_text.substr(start, m_pos - start);
    double d = 0;
    auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), d);
    if (ec != std::errc() || end != token.data() + token.size()) {
      return false;
    }
    return python_dumps(Json(d)) == token; // repr() form only
  }

  bool value(int depth) {
    if (m_pos >= m_text.size()) {
      return false;
    }
    switch (m_text[m_pos]) {
    case '"': return string();
    case '{': return object(nullptr, depth + 1);
    case '[': return array(depth + 1);
    case 't': return skip("true");
    case 'f': return skip("false");
    case 'n': return skip("null");
    default: return number();
    }
  }

  bool array(int depth) {
    if (depth > k_max_depth) {
      return false;
    }
    ++m_pos;
    if (at(']')) {
      ++m_pos;
      return true;
    }
    for (;;) {
      if (!value(depth)) {
        return false;
      }
      if (at(']')) {
        ++m_pos;
        return true;
      }
      if (!skip(", ")) {
        return false;
      }
    }
  }

  bool object(std::vector<RawMember>* members, int depth) {
    if (depth > k_max_depth || !at('{')) {
      return false;
    }
    ++m_pos;
    if (at('}')) {
      ++m_pos;
      return true;
    }
    const size_t first_key = m_keys.size(); // this object's keys are m_keys[first_key...]
    for (;;) {
      if (!at('"')) {
        return false;
      }
      size_t key_start = m_pos;
      if (!string()) {
        return false;
      }
      std::string_view key = m_text.substr(key_start, m_pos - key_start);
      for (size_t k = first_key; k < m_keys.size(); ++k) {
        if (m_keys[k] == key) {
          return false; // escapes are canonical, so equal text means an equal key
        }
      }
      m_keys.push_back(key);
      if (!skip(": ")) {
        return false;
      }
      size_t value_start = m_pos;
      if (!value(depth)) {
        return false;
      }
      if (members) {
        members->push_back({key_start, key.size(), value_start, m_pos - value_start});
      }
      if (at('}')) {
        ++m_pos;
        m_keys.resize(first_key);
        return true;
      }
      if (!skip(", ")) {
        return false;
      }
    }
  }

  std::string_view m_text;
  size_t m_pos = 0;
  std::vector<std::string_view>& m_keys;
};

} // namespace

bool PythonDumpsForm::scan_object(std::string_view text, std::vector<RawMember>& members) {
  FormChecker checker(text, m_keys);
  return checker.top_object(members);
}

bool scan_python_dumps_object(std::string_view text, std::vector<RawMember>& members) {
  return PythonDumpsForm().scan_object(text, members);
}

} // namespace ansible_runner::util
