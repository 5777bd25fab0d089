#include "util/python_json.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <vector>

#include "util/big_integer.hpp"

namespace ansible_runner::util {
namespace {

constexpr char k_hex[] = "0123456789abcdef";

void append_u_escape(uint32_t unit, std::string& out) {
  out += "\\u";
  out += k_hex[(unit >> 12) & 0xF];
  out += k_hex[(unit >> 8) & 0xF];
  out += k_hex[(unit >> 4) & 0xF];
  out += k_hex[unit & 0xF];
}

// Decodes one UTF-8 sequence at s[i]; returns the code point and advances i. Invalid bytes
// (nlohmann only holds valid UTF-8, but be safe) map to U+FFFD.
uint32_t next_code_point(std::string_view s, size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
  uint32_t cp = extra == 3 ? c & 0x07u : extra == 2 ? c & 0x0Fu : extra == 1 ? c & 0x1Fu : c;
  if (i + static_cast<size_t>(extra) >= s.size()) {
    ++i;
    return 0xFFFD;
  }
  for (int k = 1; k <= extra; ++k) {
    auto cc = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
    if ((cc & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (cc & 0x3Fu);
  }
  i += static_cast<size_t>(extra) + 1;
  return cp;
}

// Bytes written as they are inside a string: printable ASCII but '"' and '\\' (and DEL,
// which ensure_ascii mode escapes), and in UTF-8 mode every non-ASCII byte.
constexpr std::array<std::array<bool, 256>, 2> make_plain_tables() {
  std::array<std::array<bool, 256>, 2> t{};
  for (int c = 0x20; c < 0x80; ++c) {
    bool plain = c != '"' && c != '\\';
    t[0][static_cast<size_t>(c)] = plain;
    t[1][static_cast<size_t>(c)] = plain && c != 0x7F;
  }
  for (int c = 0x80; c < 0x100; ++c) {
    t[0][static_cast<size_t>(c)] = true;
  }
  return t;
}
constexpr auto k_plain = make_plain_tables();

void dump_string_body(std::string_view s, std::string& out, bool ascii) {
  const auto& plain = k_plain[ascii ? 1 : 0];
  size_t i = 0;
  while (i < s.size()) {
    size_t run = i;
    while (run < s.size() && plain[static_cast<unsigned char>(s[run])]) {
      ++run;
    }
    out.append(s.data() + i, run - i); // a run of plain characters in one go
    i = run;
    if (i >= s.size()) {
      break;
    }
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: append_u_escape(c, out);
      }
      ++i;
      continue;
    }
    uint32_t cp = next_code_point(s, i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      append_u_escape(0xD800 + (cp >> 10), out);
      append_u_escape(0xDC00 + (cp & 0x3FF), out);
    } else {
      append_u_escape(cp, out);
    }
  }
}

void dump_string(std::string_view s, std::string& out, bool ascii) {
  out += '"';
  dump_string_body(s, out, ascii);
  out += '"';
}

// Python's float repr: the shortest round-trip digits; exponent form below 1e-4 and from 1e16,
// written as 1e-05 / 1e+16; integral values get ".0".
void dump_float(double d, std::string& out) {
  if (std::isnan(d)) {
    out += "NaN";
    return;
  }
  if (std::isinf(d)) {
    out += d < 0 ? "-Infinity" : "Infinity";
    return;
  }
  char digits[32];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, d, std::chars_format::scientific);
  (void)ec;
  std::string sci(digits, end); // e.g. -1.2345e-05
  auto epos = sci.find('e');
  int exponent = std::stoi(sci.substr(epos + 1));
  std::string mantissa = sci.substr(0, epos);
  bool negative = mantissa[0] == '-';
  if (negative) {
    mantissa.erase(0, 1);
  }
  std::string digit_str;
  for (char ch : mantissa) {
    if (ch != '.') {
      digit_str += ch;
    }
  }
  if (negative) {
    out += '-';
  }
  if (exponent < -4 || exponent >= 16) {
    out += digit_str[0];
    if (digit_str.size() > 1) {
      out += '.';
      out.append(digit_str, 1);
    }
    out += 'e';
    out += exponent < 0 ? '-' : '+';
    int ax = exponent < 0 ? -exponent : exponent;
    if (ax < 10) {
      out += '0';
    }
    out += std::to_string(ax);
    return;
  }
  if (exponent < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exponent - 1), '0');
    out += digit_str;
    return;
  }
  auto int_len = static_cast<size_t>(exponent) + 1;
  if (digit_str.size() <= int_len) {
    out += digit_str;
    out.append(int_len - digit_str.size(), '0');
    out += ".0";
  } else {
    out.append(digit_str, 0, int_len);
    out += '.';
    out.append(digit_str, int_len);
  }
}

void dump_scalar(const Json& v, std::string& out, bool ascii) {
  switch (v.type()) {
  case Json::value_t::null: out += "null"; break;
  case Json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; break;
  case Json::value_t::number_integer: out += std::to_string(v.get<int64_t>()); break;
  case Json::value_t::number_unsigned: out += std::to_string(v.get<uint64_t>()); break;
  case Json::value_t::number_float: dump_float(v.get<double>(), out); break;
  case Json::value_t::string: dump_string(v.get_ref<const std::string&>(), out, ascii); break;
  case Json::value_t::binary: out += big_integer_text(v).value_or("null"); break;
  case Json::value_t::array:
  case Json::value_t::object:
  case Json::value_t::discarded: out += "null"; break;
  }
}

// Iterative, with a stack on the heap: a value nested 10,000 levels deep (the most the line
// limits allow) would overflow the thread's stack one call per level, under ASan first.
void dump(const Json& root, std::string& out, bool ascii) {
  struct Open {
    const Json* container;
    Json::const_iterator next;
  };
  std::vector<Open> open;
  auto begin = [&](const Json& v) {
    if (v.is_array() || v.is_object()) {
      out += v.is_array() ? '[' : '{';
      open.push_back({&v, v.cbegin()});
    } else {
      dump_scalar(v, out, ascii);
    }
  };
  begin(root);
  while (!open.empty()) {
    Open& top = open.back();
    if (top.next == top.container->cend()) {
      out += top.container->is_array() ? ']' : '}';
      open.pop_back();
      continue;
    }
    if (top.next != top.container->cbegin()) {
      out += ", ";
    }
    if (top.container->is_object()) {
      dump_string(top.next.key(), out, ascii);
      out += ": ";
    }
    const Json& item = *top.next++;
    begin(item); // may grow `open`: `top` is not used after this
  }
}

} // namespace

void python_dumps(const Json& value, std::string& out) { dump(value, out, true); }

std::string python_dumps(const Json& value) {
  std::string out;
  dump(value, out, true);
  return out;
}

void python_dumps_utf8(const Json& value, std::string& out) { dump(value, out, false); }

void python_dumps_string_body(std::string_view text, std::string& out) { dump_string_body(text, out, true); }

} // namespace ansible_runner::util
