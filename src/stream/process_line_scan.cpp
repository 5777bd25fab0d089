#include "stream/process_line_scan.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "util/python_json_form.hpp"
#include "util/utf8.hpp"

namespace ansible_runner::stream {
namespace {

// Python's json module gives up (RecursionError) long before this; so do we (the same limit
// as util/python_json_form).
constexpr int k_max_depth = 512;

int hex_digit(char c, bool lower_only) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (!lower_only && c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

long hex4(std::string_view s, size_t i, bool lower_only) {
  if (i + 4 > s.size()) {
    return -1;
  }
  long v = 0;
  for (size_t k = 0; k < 4; ++k) {
    int h = hex_digit(s[i + k], lower_only);
    if (h < 0) {
      return -1;
    }
    v = v * 16 + h;
  }
  return v;
}

// Code units json.dumps writes as \uXXXX: controls without a short escape, DEL and non-ASCII.
bool needs_u_escape(long unit) {
  if (unit >= 0x7F) {
    return true;
  }
  return unit < 0x20 && unit != '\b' && unit != '\t' && unit != '\n' && unit != '\f' && unit != '\r';
}

// ---- normalisation -------------------------------------------------------------------------

void append_unit_canonical(long unit, std::string& out) {
  static constexpr char k_hex[] = "0123456789abcdef";
  switch (unit) {
  case '"': out += "\\\""; return;
  case '\\': out += "\\\\"; return;
  case '\n': out += "\\n"; return;
  case '\r': out += "\\r"; return;
  case '\t': out += "\\t"; return;
  case '\b': out += "\\b"; return;
  case '\f': out += "\\f"; return;
  default: break;
  }
  if (!needs_u_escape(unit)) {
    out += static_cast<char>(unit);
    return;
  }
  out += "\\u";
  out += k_hex[(unit >> 12) & 0xF];
  out += k_hex[(unit >> 8) & 0xF];
  out += k_hex[(unit >> 4) & 0xF];
  out += k_hex[unit & 0xF];
}

void append_code_point_canonical(uint32_t cp, std::string& out) {
  if (cp >= 0x10000) {
    cp -= 0x10000;
    append_unit_canonical(0xD800 + static_cast<long>(cp >> 10), out);
    append_unit_canonical(0xDC00 + static_cast<long>(cp & 0x3FF), out);
  } else {
    append_unit_canonical(static_cast<long>(cp), out);
  }
}

class Normalizer {
public:
  explicit Normalizer(std::string_view s) : m_s(s) {}

  std::optional<std::string> run() {
    std::string out;
    skip_ws();
    if (!value(0, out)) {
      return std::nullopt;
    }
    skip_ws();
    if (m_p != m_s.size()) {
      return std::nullopt;
    }
    return out;
  }

private:
  void skip_ws() {
    while (m_p < m_s.size() && (m_s[m_p] == ' ' || m_s[m_p] == '\t' || m_s[m_p] == '\n' || m_s[m_p] == '\r')) {
      ++m_p;
    }
  }

  bool literal(std::string_view word, std::string& out) {
    if (m_s.substr(m_p, word.size()) != word) {
      return false;
    }
    m_p += word.size();
    out += word;
    return true;
  }

  // One UTF-8 sequence as Python's decode(..., 'surrogatepass') reads it (surrogates allowed,
  // overlong forms and values above U+10FFFF refused).
  bool utf8(uint32_t& cp) {
    auto c = static_cast<unsigned char>(m_s[m_p]);
    int extra = 0;
    uint32_t min = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1, cp = c & 0x1Fu, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2, cp = c & 0x0Fu, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3, cp = c & 0x07u, min = 0x10000;
    } else {
      return false;
    }
    if (m_p + static_cast<size_t>(extra) >= m_s.size()) {
      return false;
    }
    for (int k = 1; k <= extra; ++k) {
      auto cc = static_cast<unsigned char>(m_s[m_p + static_cast<size_t>(k)]);
      if ((cc & 0xC0) != 0x80) {
        return false;
      }
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF) {
      return false;
    }
    m_p += static_cast<size_t>(extra) + 1;
    return true;
  }

  bool string(std::string& out) {
    ++m_p;
    out += '"';
    for (;;) {
      if (m_p >= m_s.size()) {
        return false;
      }
      auto c = static_cast<unsigned char>(m_s[m_p]);
      if (c == '"') {
        ++m_p;
        out += '"';
        return true;
      }
      if (c < 0x20) {
        return false; // json.loads is strict about raw control characters
      }
      if (c >= 0x80) {
        uint32_t cp = 0;
        if (!utf8(cp)) {
          return false;
        }
        append_code_point_canonical(cp, out);
        continue;
      }
      if (c != '\\') {
        append_unit_canonical(c, out);
        ++m_p;
        continue;
      }
      if (m_p + 1 >= m_s.size()) {
        return false;
      }
      char e = m_s[m_p + 1];
      long unit = -1;
      switch (e) {
      case '"': unit = '"'; break;
      case '\\': unit = '\\'; break;
      case '/': unit = '/'; break;
      case 'b': unit = '\b'; break;
      case 'f': unit = '\f'; break;
      case 'n': unit = '\n'; break;
      case 'r': unit = '\r'; break;
      case 't': unit = '\t'; break;
      case 'u': unit = hex4(m_s, m_p + 2, false); break;
      default: return false;
      }
      if (unit < 0) {
        return false;
      }
      // Each UTF-16 unit maps to its own escape: a pair Python joins is split the same way
      // again, and a lone surrogate stays as it is.
      append_unit_canonical(unit, out);
      m_p += e == 'u' ? 6 : 2;
    }
  }

  bool number(std::string& out) {
    size_t end = 0;
    bool is_float = false;
    if (!util::json_number_extent(m_s, m_p, end, is_float)) {
      return false;
    }
    std::string_view token = m_s.substr(m_p, end - m_p);
    m_p = end;
    if (is_float) {
      out += util::python_float_repr(token);
    } else if (token == "-0") {
      out += '0';
    } else {
      out += token;
    }
    return true;
  }

  bool object(int depth, std::string& out) {
    ++m_p;
    skip_ws();
    if (m_p < m_s.size() && m_s[m_p] == '}') {
      ++m_p;
      out += "{}";
      return true;
    }
    std::vector<std::pair<std::string, std::string>> members;
    for (;;) {
      skip_ws();
      if (m_p >= m_s.size() || m_s[m_p] != '"') {
        return false;
      }
      std::string key;
      if (!string(key)) {
        return false;
      }
      skip_ws();
      if (m_p >= m_s.size() || m_s[m_p] != ':') {
        return false;
      }
      ++m_p;
      skip_ws();
      std::string text;
      if (!value(depth + 1, text)) {
        return false;
      }
      // A repeated key keeps its first place and takes the last value, as a dict does.
      auto same = std::find_if(members.begin(), members.end(), [&](const auto& m) { return m.first == key; });
      if (same != members.end()) {
        same->second = std::move(text);
      } else {
        members.emplace_back(std::move(key), std::move(text));
      }
      skip_ws();
      if (m_p < m_s.size() && m_s[m_p] == ',') {
        ++m_p;
        continue;
      }
      if (m_p < m_s.size() && m_s[m_p] == '}') {
        ++m_p;
        break;
      }
      return false;
    }
    out += '{';
    for (size_t i = 0; i < members.size(); ++i) {
      if (i > 0) {
        out += ", ";
      }
      out += members[i].first;
      out += ": ";
      out += members[i].second;
    }
    out += '}';
    return true;
  }

  bool array(int depth, std::string& out) {
    ++m_p;
    skip_ws();
    out += '[';
    if (m_p < m_s.size() && m_s[m_p] == ']') {
      ++m_p;
      out += ']';
      return true;
    }
    for (bool first = true;; first = false) {
      if (!first) {
        out += ", ";
      }
      skip_ws();
      if (!value(depth + 1, out)) {
        return false;
      }
      skip_ws();
      if (m_p < m_s.size() && m_s[m_p] == ',') {
        ++m_p;
        continue;
      }
      if (m_p < m_s.size() && m_s[m_p] == ']') {
        ++m_p;
        out += ']';
        return true;
      }
      return false;
    }
  }

  bool value(int depth, std::string& out) {
    if (m_p >= m_s.size() || depth > k_max_depth) {
      return false;
    }
    switch (m_s[m_p]) {
    case '{': return object(depth, out);
    case '[': return array(depth, out);
    case '"': return string(out);
    case 't': return literal("true", out);
    case 'f': return literal("false", out);
    case 'n': return literal("null", out);
    case 'N': return literal("NaN", out);
    case 'I': return literal("Infinity", out);
    case '-':
      if (m_s.substr(m_p, 9) == "-Infinity") {
        return literal("-Infinity", out);
      }
      return number(out);
    default: return number(out);
    }
  }

  std::string_view m_s;
  size_t m_p = 0;
};

} // namespace

LineScan scan_line(std::string_view line) {
  // One scanner and member list per thread: their storage is reused from line to line.
  thread_local util::PythonDumpsForm form;
  thread_local std::vector<util::RawMember> members;
  LineScan scan;
  if (!form.scan_object(line, members)) {
    return scan;
  }
  scan.canonical = true;
  for (const util::RawMember& m : members) {
    std::string_view key = m.key(line);
    if (key == "\"counter\"") {
      scan.counter = m.value(line);
    } else if (key == "\"uuid\"") {
      scan.uuid = m.value(line);
    } else if (key == "\"stdout\"") {
      scan.stdout_text = m.value(line);
    } else if (key == "\"event\"") {
      scan.event = m.value(line);
    } else if (key == "\"status\"") {
      scan.has_status = true;
    } else if (key == "\"zipfile\"") {
      scan.has_zipfile = true;
    } else if (key == "\"eof\"") {
      scan.has_eof = true;
    }
  }
  return scan;
}

std::optional<std::string> python_normalize(std::string_view text) {
  return Normalizer(text).run();
}

bool append_decoded_string(std::string_view token, std::string& out) {
  std::string_view body = token.substr(1, token.size() - 2);
  size_t i = 0;
  while (i < body.size()) {
    size_t backslash = body.find('\\', i);
    if (backslash == std::string_view::npos) {
      out.append(body.substr(i));
      return true;
    }
    out.append(body.substr(i, backslash - i));
    char e = body[backslash + 1];
    i = backslash + 2;
    switch (e) {
    case 'n': out += '\n'; continue;
    case 'r': out += '\r'; continue;
    case 't': out += '\t'; continue;
    case 'b': out += '\b'; continue;
    case 'f': out += '\f'; continue;
    case 'u': break;
    default: out += e; continue; // \" and \\ (the only others in canonical text)
    }
    auto unit = static_cast<uint32_t>(hex4(body, i, true));
    i += 4;
    if (unit >= 0xDC00 && unit <= 0xDFFF) {
      return false;
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      long low = i + 1 < body.size() && body[i] == '\\' && body[i + 1] == 'u' ? hex4(body, i + 2, true) : -1;
      if (low < 0xDC00 || low > 0xDFFF) {
        return false;
      }
      i += 6;
      unit = 0x10000 + ((unit - 0xD800) << 10) + (static_cast<uint32_t>(low) - 0xDC00);
    }
    util::append_utf8(unit, out);
  }
  return true;
}

std::optional<std::string_view> simple_str(std::string_view token) {
  if (token.empty()) {
    return std::nullopt;
  }
  if (token.front() == '"') {
    std::string_view body = token.substr(1, token.size() - 2);
    if (body.find('\\') != std::string_view::npos) {
      return std::nullopt;
    }
    return body;
  }
  size_t end = 0;
  bool is_float = false;
  if (util::json_number_extent(token, 0, end, is_float) && end == token.size() && !is_float) {
    return token;
  }
  return std::nullopt;
}

} // namespace ansible_runner::stream
