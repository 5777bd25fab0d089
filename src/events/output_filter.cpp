#include "events/output_filter.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "util/base64.hpp"
#include "util/json_parse.hpp"

namespace ansible_runner::events {
namespace {

constexpr std::string_view k_erase_line = "\x1b[K";
constexpr std::string_view k_json_open = "\x1b_";

std::string_view strip_line_ends(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Bytes that may start a line break: \n \v \f \r \x1c \x1d \x1e, and the lead bytes of
// U+0085 (C2 85) and U+2028 / U+2029 (E2 80 A8 / A9).
constexpr std::array<bool, 256> make_break_start_table() {
  std::array<bool, 256> t{};
  for (int c : {0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0xC2, 0xE2}) {
    t[static_cast<size_t>(c)] = true;
  }
  return t;
}
constexpr auto k_break_start = make_break_start_table();

// Length of the line break starting at text[i], 0 if none.
size_t line_break_length(std::string_view text, size_t i) {
  auto c = static_cast<unsigned char>(text[i]);
  switch (c) {
  case '\r': return (i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
  case '\n':
  case 0x0B:
  case 0x0C:
  case 0x1C:
  case 0x1D:
  case 0x1E: return 1;
  case 0xC2: return (i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x85) ? 2 : 0;
  case 0xE2:
    return (i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
            (static_cast<unsigned char>(text[i + 2]) == 0xA8 || static_cast<unsigned char>(text[i + 2]) == 0xA9))
               ? 3
               : 0;
  default: return 0;
  }
}

// The next line break at or after `from` (npos if none) and its length.
size_t find_line_break(std::string_view text, size_t from, size_t& length) {
  for (size_t i = from; i < text.size(); ++i) {
    if (k_break_start[static_cast<unsigned char>(text[i])]) {
      length = line_break_length(text, i);
      if (length > 0) {
        return i;
      }
    }
  }
  return std::string_view::npos;
}

bool has_uuid(const Json& frame) {
  auto it = frame.find("uuid");
  return it != frame.end() && !it->is_null() && !(it->is_string() && it->get_ref<const std::string&>().empty());
}

} // namespace

void split_lines_keepends(std::string_view text, const std::function<void(std::string_view)>& line) {
  size_t start = 0;
  size_t length = 0;
  for (size_t at = find_line_break(text, 0, length); at != std::string_view::npos;
       at = find_line_break(text, start, length)) {
    line(text.substr(start, at + length - start));
    start = at + length;
  }
  if (start < text.size()) {
    line(text.substr(start));
  }
}

void parse_frame(FilterEvent& event) {
  if (event.frame_text.empty() || !event.frame.is_null()) {
    return;
  }
  event.frame = util::parse_python_json(event.frame_text);
  if (event.frame.is_object()) {
    return;
  }
  // The form check takes what Python's json keeps (NaN, Infinity) and our parser refuses: the
  // tree then gets each top-level member that parses on its own (the uuid among them).
  event.frame = Json::object();
  for (const util::RawMember& member : event.frame_members) {
    Json key = util::parse_python_json(member.key(event.frame_text));
    Json value = util::parse_python_json(member.value(event.frame_text));
    if (key.is_string() && !value.is_discarded()) {
      event.frame[key.get<std::string>()] = std::move(value);
    }
  }
}

void materialize(FilterEvent& event) {
  if (!event.spilled) {
    return;
  }
  EventText& text = *event.spilled;
  event.stdout_text = text.read_all(text.stripped_size());
  if (!event.framed && !event.cut_by_frame) {
    event.raw_display = text.read_all(text.size());
    if (event.raw_newline) {
      event.raw_display->push_back('\n');
    }
  }
  event.spilled = nullptr;
}

void OutputFilter::feed(std::string_view text) {
  if (m_buffer.empty()) {
    size_t used = process(text); // most reads: no copy unless a frame is cut
    m_buffer.assign(text.substr(used));
  } else {
    m_buffer.append(text);
    size_t used = process(m_buffer);
    m_buffer.erase(0, used);
  }
}

size_t OutputFilter::process(std::string_view data) {
  size_t done = 0;   // data before this is handed on
  size_t search = 0; // where to look for the next ESC
  for (;;) {
    size_t esc = done;
    if (!m_in_frame) {
      const void* found = std::memchr(data.data() + search, '\x1b', data.size() - search);
      if (!found) {
        take_text(data.substr(done));
        return data.size();
      }
      esc = static_cast<size_t>(static_cast<const char*>(found) - data.data());
      std::string_view from_esc = data.substr(esc);
      const bool opens_json = from_esc.starts_with(k_json_open);
      if (!opens_json && from_esc.size() < k_erase_line.size()) {
        if (k_erase_line.starts_with(from_esc)) { // ESC[K (or ESC _) cut by the read
          take_text(data.substr(done, esc - done));
          return esc;
        }
        search = esc + 1;
        continue;
      }
      if (!opens_json && !from_esc.starts_with(k_erase_line)) {
        search = esc + 1;
        continue;
      }
      take_text(data.substr(done, esc - done));
      done = esc;
      m_scanner.reset();
      m_in_frame = true;
    }
    FrameScanner::Result result = m_scanner.scan(data.substr(esc));
    if (result == FrameScanner::Result::incomplete) {
      return esc;
    }
    m_in_frame = false;
    if (result == FrameScanner::Result::not_a_frame) {
      search = esc + 1; // its bytes are text
      continue;
    }
    on_frame(m_scanner);
    done = search = esc + m_scanner.end();
  }
}

void OutputFilter::on_frame(const FrameScanner& frame) {
  OpenFrame next;
  bool opens = false;
  // Our frames carry the JSON itself; the 2.3 plugin's carry it in base64.
  std::string_view json = frame.payload();
  bool readable = true;
  if (!frame.is_json()) {
    m_decoded.clear();
    readable = util::base64_decode_into(frame.payload(), m_decoded);
    json = m_decoded;
  }
  if (readable) {
    if (m_form.scan_object(json, next.members)) {
      // Our callback's frames: keep the text; parse it only if someone needs the tree.
      for (const util::RawMember& member : next.members) {
        if (member.key(json) == "\"uuid\"") {
          opens = member.value(json) != "null" && member.value(json) != "\"\"";
        }
      }
      if (opens) {
        next.text = json;
      }
    } else {
      next.json = util::parse_python_json(json);
      if (next.json.is_discarded() || !next.json.is_object()) {
        next.json = Json::object();
      }
      opens = has_uuid(next.json);
    }
  }
  if (m_current) {
    deliver_framed();
  } else {
    end_pending_line(false, true);
  }
  m_current.reset();
  if (opens) {
    m_current = std::move(next);
  }
}

void OutputFilter::take_text(std::string_view text) {
  if (text.empty()) {
    return;
  }
  if (m_current) {
    m_text.append(text);
  } else {
    take_verbose(text);
  }
}

void OutputFilter::take_verbose(std::string_view text) {
  // Outside any event every complete line is a verbose event at once (the reference waits for
  // a read with a newline; the events are the same). m_text holds the line so far, which has
  // no line break but perhaps a last \r that a \n may still join.
  size_t start = 0;
  if (m_text.ends_with_cr()) {
    if (text[0] == '\n') {
      m_text.append("\n");
      start = 1;
    }
    deliver_verbose_text(false);
  }
  size_t length = 0;
  while (start < text.size()) {
    size_t at = find_line_break(text, start, length);
    size_t end = at + length;
    if (at == std::string_view::npos || (length == 1 && text[at] == '\r' && end == text.size())) {
      m_text.append(text.substr(start));
      return;
    }
    if (m_text.empty()) {
      deliver_verbose(text.substr(start, end - start), false);
    } else {
      m_text.append(text.substr(start, end - start));
      deliver_verbose_text(false);
    }
    start = end;
  }
}

void OutputFilter::end_pending_line(bool at_end, bool cut_by_frame) {
  if (!m_text.empty()) {
    deliver_verbose_text(at_end, cut_by_frame);
  }
}

void OutputFilter::number(FilterEvent& event, long newlines) {
  event.counter = ++m_counter;
  event.start_line = m_line;
  event.end_line = m_line + newlines;
  m_line += newlines;
}

void OutputFilter::deliver_framed() {
  FilterEvent event;
  event.framed = true;
  event.frame = std::move(m_current->json);
  event.frame_text = std::move(m_current->text);
  event.frame_members = std::move(m_current->members);
  if (m_text.spilled()) {
    event.spilled = &m_text;
  } else {
    event.stdout_text.assign(m_text.memory().substr(0, m_text.stripped_size()));
  }
  number(event, m_text.newlines());
  m_sink(event);
  m_text.clear();
}

void OutputFilter::deliver_verbose(std::string_view line, bool at_end, bool cut_by_frame) {
  FilterEvent event;
  event.frame = Json::object();
  std::string_view stripped = strip_line_ends(line);
  event.cut_by_frame = cut_by_frame;
  if (!cut_by_frame) {
    event.raw_display = std::string(line);
    if (at_end && stripped.size() == line.size()) {
      // The last, unterminated line: shown with a newline (the reference does not show it).
      event.raw_display->push_back('\n');
    }
  }
  event.stdout_text.assign(stripped);
  number(event, static_cast<long>(std::count(line.begin(), line.end(), '\n')));
  m_sink(event);
}

void OutputFilter::deliver_verbose_text(bool at_end, bool cut_by_frame) {
  if (m_text.spilled()) {
    FilterEvent event;
    event.frame = Json::object();
    event.spilled = &m_text;
    event.cut_by_frame = cut_by_frame;
    event.raw_newline = at_end && m_text.stripped_size() == m_text.size();
    number(event, m_text.newlines());
    m_sink(event);
  } else {
    deliver_verbose(m_text.memory(), at_end, cut_by_frame);
  }
  m_text.clear();
}

void OutputFilter::finish() {
  std::string rest;
  rest.swap(m_buffer);
  m_in_frame = false;
  take_text(rest); // an unfinished frame is text
  if (m_current) {
    deliver_framed();
    m_current.reset();
  } else {
    end_pending_line(true);
  }
}

} // namespace ansible_runner::events
