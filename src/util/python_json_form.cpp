#include "util/python_json_form.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>

#include <ansible_runner/json.hpp>

#include "util/json_number.hpp"
#include "util/python_json.hpp"
#include "util/utf8.hpp"

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

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A UTF-16 code unit as json.dumps writes it, into buf (at most 6 bytes; returns the size): a
// short escape, \u in lower-case hex for controls, DEL and non-ASCII, or the character itself.
size_t canonical_unit(long unit, char* buf) {
  static constexpr char k_hex[] = "0123456789abcdef";
  char short_escape = 0;
  switch (unit) {
  case '"': short_escape = '"'; break;
  case '\\': short_escape = '\\'; break;
  case '\n': short_escape = 'n'; break;
  case '\r': short_escape = 'r'; break;
  case '\t': short_escape = 't'; break;
  case '\b': short_escape = 'b'; break;
  case '\f': short_escape = 'f'; break;
  default: break;
  }
  if (short_escape != 0) {
    buf[0] = '\\';
    buf[1] = short_escape;
    return 2;
  }
  if (unit >= 0x20 && unit < 0x7F) {
    buf[0] = static_cast<char>(unit);
    return 1;
  }
  buf[0] = '\\';
  buf[1] = 'u';
  buf[2] = k_hex[(unit >> 12) & 0xF];
  buf[3] = k_hex[(unit >> 8) & 0xF];
  buf[4] = k_hex[(unit >> 4) & 0xF];
  buf[5] = k_hex[unit & 0xF];
  return 6;
}

void append_unit(long unit, std::string& out) {
  char buf[6];
  out.append(buf, canonical_unit(unit, buf));
}

// One walker of the grammar Python's json module reads, in two modes. Check (the hot path of
// the runner and `process`): the text must already be what json.dumps writes, nothing is
// copied, the first difference fails. Normalise: any text json.loads reads is written to
// `out` as json.dumps writes it. Each rule is written once: the canonical form of a token is
// worked out, then compared with the input (check) or appended (normalise).
template <bool Normalise>
class Walker {
public:
  // `keys` is scratch reused between calls; `out` is written in normalise mode only.
  // A text past `limits` is refused here (the caller's parser then says which limit).
  Walker(std::string_view text, std::vector<KeySpan>& keys, std::string* out, const JsonLimits& limits)
      : m_text(text), m_keys(keys), m_out(out), m_limits(limits),
        m_max_depth(static_cast<int>(std::min<size_t>(k_max_depth + 1, limits.max_depth))) {
    m_keys.clear();
  }

  bool top_object(std::vector<RawMember>& members) {
    members.clear();
    return at('{') && object(&members, 0) && m_pos == m_text.size();
  }

  bool top_value() {
    space();
    if (!value(0)) {
      return false;
    }
    space();
    return m_pos == m_text.size();
  }

private:
  bool at(char c) const { return m_pos < m_text.size() && m_text[m_pos] == c; }

  void put(std::string_view s) {
    if constexpr (Normalise) {
      m_out->append(s);
    }
  }

  // White space json.loads skips between tokens; json.dumps writes none but after , and :.
  void space() {
    if constexpr (Normalise) {
      while (m_pos < m_text.size() && is_space(m_text[m_pos])) {
        ++m_pos;
      }
    }
  }

  // `c` (',' or ':') as json.dumps writes it, with one space after.
  bool punct(char c) {
    space();
    if (!at(c)) {
      return false;
    }
    ++m_pos;
    if constexpr (Normalise) {
      space();
      m_out->push_back(c);
      m_out->push_back(' ');
    } else if (!at(' ')) {
      return false;
    } else {
      ++m_pos;
    }
    return true;
  }

  // Where the walk writes: the output (normalise) or the input (check, which copies nothing).
  size_t doc_pos() const {
    if constexpr (Normalise) {
      return m_out->size();
    } else {
      return m_pos;
    }
  }
  std::string_view doc() const {
    if constexpr (Normalise) {
      return *m_out;
    } else {
      return m_text;
    }
  }

  // `canonical` in place of the `size` input bytes at m_pos.
  bool emit(std::string_view canonical, size_t size) {
    if constexpr (Normalise) {
      m_out->append(canonical);
    } else if (canonical != m_text.substr(m_pos, size)) {
      return false;
    }
    m_pos += size;
    return true;
  }

  bool literal(std::string_view word) {
    if (m_text.substr(m_pos, word.size()) != word) {
      return false;
    }
    put(word);
    m_pos += word.size();
    return true;
  }

  // The escape at m_pos. json.loads joins a surrogate pair and keeps a lone surrogate;
  // json.dumps writes each UTF-16 unit back as its own escape, so units map one to one.
  bool escape() {
    if (m_pos + 1 >= m_text.size()) {
      return false;
    }
    switch (m_text[m_pos + 1]) {
    case '"':
    case '\\':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't': // json.dumps's own short escapes
      put(m_text.substr(m_pos, 2));
      m_pos += 2;
      return true;
    case '/': return emit("/", 2);
    case 'u': break;
    default: return false;
    }
    long unit = util::hex4(m_text, m_pos + 2);
    if (unit < 0) {
      return false;
    }
    char buf[6];
    return emit(std::string_view(buf, canonical_unit(unit, buf)), 6);
  }

  // One UTF-8 sequence as Python's decode(..., "surrogatepass") reads it (surrogates allowed,
  // overlong forms and values above U+10FFFF refused), written as json.dumps's escapes.
  bool utf8() {
    auto c = static_cast<unsigned char>(m_text[m_pos]);
    int extra = 0;
    uint32_t cp = 0;
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
    if (m_pos + static_cast<size_t>(extra) >= m_text.size()) {
      return false;
    }
    for (int k = 1; k <= extra; ++k) {
      auto cc = static_cast<unsigned char>(m_text[m_pos + static_cast<size_t>(k)]);
      if ((cc & 0xC0) != 0x80) {
        return false;
      }
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF) {
      return false;
    }
    m_pos += static_cast<size_t>(extra) + 1;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      append_unit(0xD800 + static_cast<long>(cp >> 10), *m_out);
      append_unit(0xDC00 + static_cast<long>(cp & 0x3FF), *m_out);
    } else {
      append_unit(static_cast<long>(cp), *m_out);
    }
    return true;
  }

  bool string() {
    put("\"");
    const size_t open = m_pos++; // the opening quote
    // A token is never shorter than the text it decodes to, so this refuses no string within
    // the limit; the parser measures a longer token's decoded size.
    const size_t size = std::min(m_text.size(), open + 2 + std::min<uint64_t>(m_limits.max_string_bytes, m_text.size()));
    for (;;) {
      const size_t run = m_pos;
      while (m_pos < size && k_plain[static_cast<unsigned char>(m_text[m_pos])]) {
        ++m_pos;
      }
      put(m_text.substr(run, m_pos - run));
      if (m_pos >= size) {
        return false;
      }
      auto c = static_cast<unsigned char>(m_text[m_pos]);
      if (c == '"') {
        put("\"");
        ++m_pos;
        return true;
      }
      if (c == '\\') {
        if (!escape()) {
          return false;
        }
        continue;
      }
      // A raw DEL or non-ASCII byte, which json.dumps escapes; json.loads refuses raw controls.
      if constexpr (!Normalise) {
        return false;
      } else if (c < 0x20) {
        return false;
      } else if (c == 0x7F) {
        put("\\u007f");
        ++m_pos;
      } else if (!utf8()) {
        return false;
      }
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
    if (p == digits) {
      return false;
    }
    if (p - digits > 1 && m_text[digits] == '0') {
      p = digits + 1; // json.loads reads the 0 alone, and then fails on what follows
    }
    if (p >= m_text.size() || (m_text[p] != '.' && m_text[p] != 'e' && m_text[p] != 'E')) {
      std::string_view token = m_text.substr(start, p - start);
      return emit(token == "-0" ? "0" : token, token.size());
    }
    size_t end = 0;
    bool is_float = false;
    json_number_extent(m_text, start, end, is_float);
    std::string_view token = m_text.substr(start, end - start);
    if (!is_float) {
      return emit(token == "-0" ? "0" : token, token.size());
    }
    return emit(python_float_repr(token), token.size());
  }

  bool value(int depth) {
    if (m_pos >= m_text.size() || ++m_values > m_limits.max_values) {
      return false;
    }
    switch (m_text[m_pos]) {
    case '"': return string();
    case '{': return object(nullptr, depth);
    case '[': return array(depth);
    case 't': return literal("true");
    case 'f': return literal("false");
    case 'n': return literal("null");
    case 'N': return literal("NaN");
    case 'I': return literal("Infinity");
    case '-':
      if (literal("-Infinity")) {
        return true;
      }
      return number();
    default: return number();
    }
  }

  bool array(int depth) {
    if (depth >= m_max_depth) {
      return false;
    }
    put("[");
    ++m_pos;
    space();
    if (at(']')) {
      put("]");
      ++m_pos;
      return true;
    }
    for (;;) {
      if (!value(depth + 1)) {
        return false;
      }
      space();
      if (at(']')) {
        put("]");
        ++m_pos;
        return true;
      }
      if (!punct(',')) {
        return false;
      }
    }
  }

  bool object(std::vector<RawMember>* members, int depth) {
    if (depth >= m_max_depth || (depth == 0 && members && ++m_values > m_limits.max_values)) {
      return false;
    }
    const size_t open = doc_pos();
    put("{");
    ++m_pos;
    space();
    if (at('}')) {
      put("}");
      ++m_pos;
      return true;
    }
    const size_t first_key = m_keys.size(); // this object's keys are m_keys[first_key...]
    bool repeated = false;
    for (;;) {
      if (!at('"')) {
        return false;
      }
      const size_t key_start = doc_pos();
      if (!string()) {
        return false;
      }
      // Keys in json.dumps form (the input's in check mode, the output's when normalising):
      // equal keys are equal bytes. Kept as positions: `out` may move as it grows.
      const KeySpan span{key_start, doc_pos() - key_start};
      const std::string_view key = text_of(span);
      if (m_keys.size() - first_key < k_linear_keys) {
        for (size_t k = first_key; k < m_keys.size(); ++k) {
          if (text_of(m_keys[k]) == key) {
            if (!Normalise) {
              return false;
            }
            repeated = true;
          }
        }
      }
      m_keys.push_back(span);
      if (!punct(':')) {
        return false;
      }
      const size_t value_start = m_pos;
      if (!value(depth + 1)) {
        return false;
      }
      if (members) {
        members->push_back({key_start, key.size(), value_start, m_pos - value_start});
      }
      space();
      if (at('}')) {
        put("}");
        ++m_pos;
        break;
      }
      if (!punct(',')) {
        return false;
      }
    }
    bool ok = true;
    if constexpr (Normalise) {
      if (repeated || m_keys.size() - first_key > k_linear_keys) {
        merge_repeated_keys(open, first_key);
      }
    } else if (m_keys.size() - first_key > k_linear_keys) { // the linear search above stopped
      auto begin = m_keys.begin() + static_cast<std::ptrdiff_t>(first_key);
      auto less = [this](const KeySpan& a, const KeySpan& b) { return text_of(a) < text_of(b); };
      auto same = [this](const KeySpan& a, const KeySpan& b) { return text_of(a) == text_of(b); };
      std::sort(begin, m_keys.end(), less);
      ok = std::adjacent_find(begin, m_keys.end(), same) == m_keys.end();
    }
    m_keys.resize(first_key);
    return ok;
  }

  std::string_view text_of(const KeySpan& span) const { return {doc().data() + span.pos, span.size}; }

  // Normalise mode: as a dict does, a repeated key keeps its first place and takes the last
  // value. The object's members were written from `open` on in *m_out as
  // {key: value, key: value}; rewrite them when a key repeats.
  void merge_repeated_keys(size_t open, size_t first_key) {
    const std::string_view all = *m_out;
    const size_t count = m_keys.size() - first_key;
    std::vector<std::string_view> keys(count);
    std::vector<std::string_view> values(count);
    std::unordered_map<std::string_view, size_t> last;
    for (size_t i = 0; i < count; ++i) {
      const KeySpan& k = m_keys[first_key + i];
      size_t value_start = k.pos + k.size + 2; // after ": "
      size_t value_end = i + 1 < count ? m_keys[first_key + i + 1].pos - 2 : all.size() - 1; // before ", " or "}"
      keys[i] = all.substr(k.pos, k.size);
      values[i] = all.substr(value_start, value_end - value_start);
      last[keys[i]] = i;
    }
    if (last.size() == count) {
      return; // no key repeats
    }
    std::string merged = "{";
    for (size_t i = 0; i < count; ++i) {
      auto it = last.find(keys[i]);
      if (it == last.end()) {
        continue; // written at its first place already
      }
      if (merged.size() > 1) {
        merged += ", ";
      }
      merged += keys[i];
      merged += ": ";
      merged += values[it->second];
      last.erase(it);
    }
    merged += '}';
    m_out->replace(open, std::string::npos, merged);
  }

  std::string_view m_text;
  size_t m_pos = 0;
  std::vector<KeySpan>& m_keys;
  std::string* m_out;
  const JsonLimits& m_limits;
  const int m_max_depth;
  uint64_t m_values = 0;
};

} // namespace

bool PythonDumpsForm::scan_object(std::string_view text, std::vector<RawMember>& members, const JsonLimits& limits) {
  return Walker<false>(text, m_keys, nullptr, limits).top_object(members);
}

std::optional<std::string> python_json_normalize(std::string_view text, const JsonLimits& limits) {
  std::vector<KeySpan> keys;
  std::string out;
  if (!Walker<true>(text, keys, &out, limits).top_value()) {
    return std::nullopt;
  }
  return out;
}

bool scan_python_dumps_object(std::string_view text, std::vector<RawMember>& members) {
  return PythonDumpsForm().scan_object(text, members);
}

} // namespace ansible_runner::util
