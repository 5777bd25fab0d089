#include "util/python_repr.hpp"

#include <cmath>
#include <cstdint>

#include "util/big_integer.hpp"
#include "util/python_json.hpp"

namespace ansible_runner::util {

namespace {

constexpr char k_hex[] = "0123456789abcdef";

uint32_t decode_utf8(const std::string& s, size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
  uint32_t cp = extra == 3 ? c & 0x07u : extra == 2 ? c & 0x0Fu : extra == 1 ? c & 0x1Fu : c;
  if (extra > 0 && i + static_cast<size_t>(extra) >= s.size()) {
    ++i;
    return 0xFFFD;
  }
  for (int k = 1; k <= extra; ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<size_t>(k)]) & 0x3Fu);
  }
  i += static_cast<size_t>(extra) + 1;
  return cp;
}

// str.isprintable() for the code points that matter in practice: controls, C1 controls,
// no-break and line/paragraph separators, and the common format characters.
bool is_printable(uint32_t cp) {
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0xAD) {
    return false;
  }
  if ((cp >= 0x200B && cp <= 0x200F) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF) {
    return false;
  }
  return true;
}

void append_escape(uint32_t cp, std::string& out) {
  auto hex = [&](int digits) {
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
      out += k_hex[(cp >> shift) & 0xF];
    }
  };
  if (cp <= 0xFF) {
    out += "\\x";
    hex(2);
  } else if (cp <= 0xFFFF) {
    out += "\\u";
    hex(4);
  } else {
    out += "\\U";
    hex(8);
  }
}

void repr_string(const std::string& s, std::string& out) {
  char quote = (s.find('\'') != std::string::npos && s.find('"') == std::string::npos) ? '"' : '\'';
  out += quote;
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    uint32_t cp = decode_utf8(s, i);
    if (cp == static_cast<uint32_t>(quote) || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (!is_printable(cp)) {
      append_escape(cp, out);
    } else {
      out.append(s, start, i - start);
    }
  }
  out += quote;
}

void repr(const Json& v, std::string& out) {
  switch (v.type()) {
  case Json::value_t::null: out += "None"; break;
  case Json::value_t::boolean: out += v.get<bool>() ? "True" : "False"; break;
  case Json::value_t::number_float: {
    double d = v.get<double>();
    if (std::isnan(d)) {
      out += "nan";
    } else if (std::isinf(d)) {
      out += d < 0 ? "-inf" : "inf";
    } else {
      python_dumps(v, out);
    }
    break;
  }
  case Json::value_t::number_integer:
  case Json::value_t::number_unsigned: python_dumps(v, out); break;
  case Json::value_t::string: repr_string(v.get_ref<const std::string&>(), out); break;
  case Json::value_t::array: {
    out += '[';
    bool first = true;
    for (const auto& item : v) {
      out += first ? "" : ", ";
      first = false;
      repr(item, out);
    }
    out += ']';
    break;
  }
  case Json::value_t::object: {
    out += '{';
    bool first = true;
    for (const auto& [key, item] : v.items()) {
      out += first ? "" : ", ";
      first = false;
      repr_string(key, out);
      out += ": ";
      repr(item, out);
    }
    out += '}';
    break;
  }
  case Json::value_t::binary: out += big_integer_text(v).value_or("None"); break;
  case Json::value_t::discarded: out += "None"; break;
  }
}

} // namespace

std::string python_repr(const Json& value) {
  std::string out;
  repr(value, out);
  return out;
}

std::string python_str(const Json& value) {
  if (value.is_string()) {
    return value.get<std::string>();
  }
  return python_repr(value);
}

bool python_truthy(const Json& value) {
  switch (value.type()) {
  case Json::value_t::null: return false;
  case Json::value_t::boolean: return value.get<bool>();
  case Json::value_t::number_integer: return value.get<int64_t>() != 0;
  case Json::value_t::number_unsigned: return value.get<uint64_t>() != 0;
  case Json::value_t::number_float: return value.get<double>() != 0.0;
  // nlohmann's empty() is false for every string, so look at the text itself.
  case Json::value_t::string: return !value.get_ref<const std::string&>().empty();
  case Json::value_t::array:
  case Json::value_t::object: return !value.empty();
  case Json::value_t::binary: return big_integer_text(value).has_value(); // never 0: 0 fits 64 bits
  case Json::value_t::discarded: return false;
  }
  return false;
}

} // namespace ansible_runner::util
