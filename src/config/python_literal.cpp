#include "config/python_literal.hpp"

#include <cctype>
#include <cstdint>
#include <stdexcept>

#include "util/big_integer.hpp"
#include "util/json_object_builder.hpp"
#include "util/python_float.hpp"
#include "util/python_json.hpp"
#include "util/utf8.hpp"

namespace ansible_runner::config {

namespace {

struct NotLiteral : std::exception {};

class LiteralParser {
public:
  explicit LiteralParser(const std::string& text) : m_text(text) {}

  Json parse_all() {
    Json value = parse_value();
    skip_space();
    if (m_pos != m_text.size()) {
      throw NotLiteral();
    }
    return value;
  }

private:
  void skip_space() {
    while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos]))) {
      ++m_pos;
    }
  }
  bool peek(char c) {
    skip_space();
    return m_pos < m_text.size() && m_text[m_pos] == c;
  }
  void expect(char c) {
    if (!peek(c)) {
      throw NotLiteral();
    }
    ++m_pos;
  }

  Json parse_value() {
    skip_space();
    if (m_pos >= m_text.size()) {
      throw NotLiteral();
    }
    char c = m_text[m_pos];
    if (c == '[') {
      return parse_sequence('[', ']', false);
    }
    if (c == '(') {
      return parse_sequence('(', ')', true);
    }
    if (c == '{') {
      return parse_dict();
    }
    if (c == '\'' || c == '"' || ((c == 'r' || c == 'R' || c == 'u' || c == 'U') && m_pos + 1 < m_text.size() &&
                                  (m_text[m_pos + 1] == '\'' || m_text[m_pos + 1] == '"'))) {
      return parse_strings();
    }
    if (c == '-' || c == '+' || c == '.' || std::isdigit(static_cast<unsigned char>(c))) {
      return parse_number();
    }
    return parse_name();
  }

  Json parse_name() {
    size_t start = m_pos;
    while (m_pos < m_text.size() && (std::isalnum(static_cast<unsigned char>(m_text[m_pos])) || m_text[m_pos] == '_')) {
      ++m_pos;
    }
    std::string name = m_text.substr(start, m_pos - start);
    if (name == "None") {
      return Json(nullptr);
    }
    if (name == "True") {
      return Json(true);
    }
    if (name == "False") {
      return Json(false);
    }
    throw NotLiteral();
  }

  Json parse_sequence(char open, char close, bool tuple) {
    expect(open);
    Json out = Json::array();
    bool saw_comma = false;
    while (!peek(close)) {
      out.push_back(parse_value());
      if (peek(',')) {
        ++m_pos;
        saw_comma = true;
      } else if (!peek(close)) {
        throw NotLiteral();
      }
    }
    ++m_pos;
    // "(1)" is just 1 in Python; only "(1,)" or "()" is a tuple.
    if (tuple && out.size() == 1 && !saw_comma) {
      return out[0];
    }
    return out;
  }

  // json.dumps turns non-string keys into strings: true/false/null, numbers as written.
  static std::string key_text(const Json& key) {
    if (key.is_string()) {
      return key.get<std::string>();
    }
    if (key.is_array() || key.is_object()) {
      throw NotLiteral(); // unhashable or not serialisable as a key
    }
    return util::python_dumps(key);
  }

  Json parse_dict() {
    expect('{');
    Json out = Json::object();
    util::ObjectBuilder members(out);
    while (!peek('}')) {
      Json key = parse_value();
      expect(':');
      std::string text = key_text(key);
      members.set(std::move(text), parse_value());
      if (peek(',')) {
        ++m_pos;
      } else if (!peek('}')) {
        throw NotLiteral(); // also rejects sets, which json.dumps cannot write
      }
    }
    ++m_pos;
    return out;
  }


  uint32_t read_hex(size_t digits) {
    if (m_pos + digits > m_text.size()) {
      throw NotLiteral();
    }
    uint32_t value = 0;
    for (size_t k = 0; k < digits; ++k) {
      char h = m_text[m_pos++];
      if (!std::isxdigit(static_cast<unsigned char>(h))) {
        throw NotLiteral();
      }
      value = value * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
    }
    return value;
  }

  std::string parse_one_string() {
    bool raw = false;
    while (m_pos < m_text.size() && std::string("rRuU").find(m_text[m_pos]) != std::string::npos) {
      raw = raw || m_text[m_pos] == 'r' || m_text[m_pos] == 'R';
      ++m_pos;
    }
    char quote = m_text[m_pos++];
    bool triple = m_text.compare(m_pos, 2, std::string(2, quote)) == 0;
    if (triple) {
      m_pos += 2;
    }
    std::string out;
    while (true) {
      if (m_pos >= m_text.size()) {
        throw NotLiteral();
      }
      char c = m_text[m_pos];
      if (c == quote && (!triple || m_text.compare(m_pos, 3, std::string(3, quote)) == 0)) {
        m_pos += triple ? 3 : 1;
        return out;
      }
      if (c == '\\' && m_pos + 1 < m_text.size()) {
        char e = m_text[m_pos + 1];
        if (raw) {
          out += c;
          out += e;
          m_pos += 2;
          continue;
        }
        m_pos += 2;
        switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '0': out += '\0'; break;
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'v': out += '\v'; break;
        case '\\': out += '\\'; break;
        case '\'': out += '\''; break;
        case '"': out += '"'; break;
        case '\n': break;
        case 'x': util::append_utf8(read_hex(2), out); break;
        case 'u': util::append_utf8(read_hex(4), out); break;
        case 'U': util::append_utf8(read_hex(8), out); break;
        default: out += '\\'; out += e; break;
        }
        continue;
      }
      out += c;
      ++m_pos;
    }
  }

  // Adjacent string literals concatenate ('a' 'b' is 'ab').
  Json parse_strings() {
    std::string out = parse_one_string();
    while (true) {
      skip_space();
      if (m_pos < m_text.size() && (m_text[m_pos] == '\'' || m_text[m_pos] == '"')) {
        out += parse_one_string();
      } else {
        break;
      }
    }
    return Json(out);
  }

  Json parse_number() {
    bool negative = false;
    while (m_pos < m_text.size() && (m_text[m_pos] == '-' || m_text[m_pos] == '+')) {
      negative = negative != (m_text[m_pos] == '-');
      ++m_pos;
      skip_space();
    }
    size_t start = m_pos;
    while (m_pos < m_text.size() &&
           (std::isalnum(static_cast<unsigned char>(m_text[m_pos])) || m_text[m_pos] == '_' || m_text[m_pos] == '.' ||
            ((m_text[m_pos] == '-' || m_text[m_pos] == '+') && (m_text[m_pos - 1] == 'e' || m_text[m_pos - 1] == 'E')))) {
      ++m_pos;
    }
    std::string token = m_text.substr(start, m_pos - start);
    if (token.empty() || token.front() == '_' || token.back() == '_' || token.find("__") != std::string::npos) {
      throw NotLiteral();
    }
    std::erase(token, '_');
    std::string lower;
    for (char c : token) {
      lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    int base = 10;
    std::string digits = lower;
    if (lower.size() > 2 && lower[0] == '0' && (lower[1] == 'x' || lower[1] == 'o' || lower[1] == 'b')) {
      base = lower[1] == 'x' ? 16 : lower[1] == 'o' ? 8 : 2;
      digits = lower.substr(2);
    }
    bool is_float = base == 10 && lower.find_first_of(".e") != std::string::npos;
    if (is_float) {
      std::optional<double> d = util::python_float(lower); // 1e999: inf, as literal_eval gives
      if (!d) {
        throw NotLiteral();
      }
      return Json(negative ? -*d : *d);
    }
    // Python 3 rejects "012"; only "0", "00"... are valid with a leading zero.
    if (base == 10 && digits.size() > 1 && digits[0] == '0' && digits.find_first_not_of('0') != std::string::npos) {
      throw NotLiteral();
    }
    uint64_t value = 0;
    bool overflow = false;
    for (char c : digits) {
      int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'a' + 10;
      if (d < 0 || d >= base) {
        throw NotLiteral();
      }
      overflow = overflow || __builtin_mul_overflow(value, static_cast<uint64_t>(base), &value) ||
                 __builtin_add_overflow(value, static_cast<uint64_t>(d), &value);
    }
    if (overflow || (negative && value > static_cast<uint64_t>(INT64_MAX))) {
      // Beyond 64 bits Python keeps every digit; hexadecimal and the like stay the text they were.
      if (base != 10) {
        throw NotLiteral();
      }
      return util::big_integer((negative ? "-" : "") + digits);
    }
    if (value > static_cast<uint64_t>(INT64_MAX)) {
      return Json(value);
    }
    auto v = static_cast<int64_t>(value);
    return Json(negative ? -v : v);
  }

  const std::string& m_text;
  size_t m_pos = 0;
};

} // namespace

std::optional<Json> parse_python_literal(const std::string& text) {
  try {
    return LiteralParser(text).parse_all();
  } catch (const NotLiteral&) {
    return std::nullopt;
  } catch (const std::out_of_range&) {
    return std::nullopt;
  }
}

} // namespace ansible_runner::config
