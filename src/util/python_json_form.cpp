#include "util/python_json_form.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>

#include <ansible_runner/json.hpp>

#include "util/python_json.hpp"

namespace ansible_runner::util {
namespace {

// Python's json module gives up (RecursionError) at about 1000 levels; this walker recurses
// once per level, so it stops well before: containers nest at most this deep below the top
// object (as in process_line_scan's normaliser).
constexpr int k_max_depth = 512;

// Past this many keys in one object, duplicates are found by sorting instead of a linear
// search per key (which would be quadratic).
constexpr size_t k_linear_keys = 32;

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
    return at('{') && object(&members, 0) && m_pos == m_text.size();
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

  // The code unit of the 4 hex digits at p; -1 if malformed.
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
        return false; // including \/, which json.dumps never writes
      }
      // json.dumps writes each UTF-16 unit of a control without a short escape, DEL or
      // non-ASCII as its own \u escape; json.loads joins a surrogate pair and keeps a lone
      // surrogate, and either way the same escapes come back.
      long unit = unit_at(m_pos + 2);
      bool escaped_by_python = (unit >= 0 && unit < 0x20 && unit != '\n' && unit != '\r' && unit != '\t' &&
                                unit != '\b' && unit != '\f') ||
                               unit >= 0x7F;
      if (!escaped_by_python) {
        return false;
      }
      m_pos += 6;
    }
  }

  bool number() {
    // Integers, the common case, inline; Python's int keeps any size.
    const size_t start = m_pos;
    size_t p = at('-') ? m_pos + 1 : m_pos;
    const size_t digits = p;
    while (p < m_text.size() && is_digit(m_text[p])) {
      ++p;
    }
    if (p == digits || (p - digits > 1 && m_text[digits] == '0')) {
      return false; // not a number, or a leading zero json.loads stops at
    }
    if (p >= m_text.size() || (m_text[p] != '.' && m_text[p] != 'e' && m_text[p] != 'E')) {
      m_pos = p;
      return m_text.substr(start, p - start) != "-0";
    }
    size_t end = 0;
    bool is_float = false;
    json_number_extent(m_text, start, end, is_float);
    std::string_view token = m_text.substr(start, end - start);
    m_pos = end;
    return is_float ? python_float_repr(token) == token : token != "-0";
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
    case 'N': return skip("NaN");
    case 'I': return skip("Infinity");
    case '-':
      if (skip("-Infinity")) {
        return true;
      }
      return number();
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
    if (depth > k_max_depth) {
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
      // Escapes are canonical, so equal keys are equal bytes.
      std::string_view key = m_text.substr(key_start, m_pos - key_start);
      if (m_keys.size() - first_key < k_linear_keys) {
        for (size_t k = first_key; k < m_keys.size(); ++k) {
          if (m_keys[k] == key) {
            return false;
          }
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
        break;
      }
      if (!skip(", ")) {
        return false;
      }
    }
    bool unique = true;
    if (m_keys.size() - first_key > k_linear_keys) { // the linear search above stopped
      auto begin = m_keys.begin() + static_cast<std::ptrdiff_t>(first_key);
      std::sort(begin, m_keys.end());
      unique = std::adjacent_find(begin, m_keys.end()) == m_keys.end();
    }
    m_keys.resize(first_key);
    return unique;
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

bool json_number_extent(std::string_view s, size_t i, size_t& end, bool& is_float) {
  size_t p = i;
  if (p < s.size() && s[p] == '-') {
    ++p;
  }
  if (p >= s.size() || !is_digit(s[p])) {
    return false;
  }
  if (s[p] == '0') {
    ++p;
  } else {
    while (p < s.size() && is_digit(s[p])) {
      ++p;
    }
  }
  is_float = false;
  if (p + 1 < s.size() && s[p] == '.' && is_digit(s[p + 1])) {
    is_float = true;
    p += 2;
    while (p < s.size() && is_digit(s[p])) {
      ++p;
    }
  }
  if (p < s.size() && (s[p] == 'e' || s[p] == 'E')) {
    size_t q = p + 1;
    if (q < s.size() && (s[q] == '+' || s[q] == '-')) {
      ++q;
    }
    if (q < s.size() && is_digit(s[q])) {
      is_float = true;
      p = q;
      while (p < s.size() && is_digit(s[p])) {
        ++p;
      }
    }
  }
  end = p;
  return true;
}

std::string python_float_repr(std::string_view token) {
  double d = 0;
  auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), d);
  (void)end;
  if (ec == std::errc::result_out_of_range) {
    size_t e = token.find_first_of("eE");
    bool tiny = e != std::string_view::npos && e + 1 < token.size() && token[e + 1] == '-';
    double magnitude = tiny ? 0.0 : std::numeric_limits<double>::infinity();
    d = token.front() == '-' ? -magnitude : magnitude;
  }
  return python_dumps(Json(d));
}

} // namespace ansible_runner::util
