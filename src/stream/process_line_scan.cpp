#include "stream/process_line_scan.hpp"

#include <cstdint>
#include <vector>

#include "util/json_number.hpp"
#include "util/python_json_form.hpp"
#include "util/utf8.hpp"

namespace ansible_runner::stream {
LineScan scan_line(std::string_view line, const util::JsonLimits& limits) {
  // One scanner and member list per thread: their storage is reused from line to line.
  thread_local util::PythonDumpsForm form;
  thread_local std::vector<util::RawMember> members;
  LineScan scan;
  if (!form.scan_object(line, members, limits)) {
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
    auto unit = static_cast<uint32_t>(util::hex4(body, i));
    i += 4;
    if (unit >= 0xDC00 && unit <= 0xDFFF) {
      return false;
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      long low = i + 1 < body.size() && body[i] == '\\' && body[i + 1] == 'u' ? util::hex4(body, i + 2) : -1;
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
