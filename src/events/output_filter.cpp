#include "events/output_filter.hpp"

#include <algorithm>

#include "util/base64.hpp"
#include "util/json_parse.hpp"

namespace ansible_runner::events {
namespace {

constexpr std::string_view k_erase_line = "\x1b[K";

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
         c == '=';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view strip_line_ends(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

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

} // namespace

void split_lines_keepends(std::string_view text, const std::function<void(std::string_view)>& line) {
  size_t start = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t len = line_break_length(text, i);
    if (len == 0) {
      ++i;
      continue;
    }
    i += len;
    line(text.substr(start, i - start));
    start = i;
  }
  if (start < text.size()) {
    line(text.substr(start));
  }
}

OutputFilter::FrameScan OutputFilter::scan_frame(size_t pos, size_t& end, std::string& base64) const {
  // At pos: ESC[K, then one or more (base64+ ESC[digits D), then ESC[K.
  const std::string& b = m_buffer;
  size_t i = pos + k_erase_line.size();
  int groups = 0;
  base64.clear();
  for (;;) {
    if (i - pos > k_max_frame_bytes) {
      return FrameScan::not_a_frame;
    }
    if (i >= b.size()) {
      return FrameScan::incomplete;
    }
    if (b[i] == '\x1b') {
      // Either the closing ESC[K (after at least one group) or garbage.
      if (groups == 0) {
        return FrameScan::not_a_frame;
      }
      for (size_t k = 1; k < 3; ++k) {
        if (i + k >= b.size()) {
          return FrameScan::incomplete;
        }
        if (b[i + k] != k_erase_line[k]) {
          return FrameScan::not_a_frame;
        }
      }
      end = i + 3;
      return FrameScan::complete;
    }
    size_t chunk_start = i;
    while (i < b.size() && is_base64_char(b[i])) {
      ++i;
    }
    if (i == chunk_start) {
      return FrameScan::not_a_frame;
    }
    if (i >= b.size()) {
      return FrameScan::incomplete;
    }
    // ESC [ digits D
    if (b[i] != '\x1b') {
      return FrameScan::not_a_frame;
    }
    if (i + 1 >= b.size()) {
      return FrameScan::incomplete;
    }
    if (b[i + 1] != '[') {
      return FrameScan::not_a_frame;
    }
    size_t j = i + 2;
    while (j < b.size() && is_digit(b[j])) {
      ++j;
    }
    if (j >= b.size()) {
      return FrameScan::incomplete;
    }
    if (j == i + 2 || b[j] != 'D') {
      return FrameScan::not_a_frame;
    }
    base64.append(b, chunk_start, i - chunk_start);
    i = j + 1;
    ++groups;
  }
}

void OutputFilter::feed(std::string_view text) {
  m_buffer.append(text);
  std::string base64;
  for (;;) {
    size_t pos = m_buffer.find(k_erase_line, m_search_from);
    if (pos == std::string::npos) {
      // No frame can start before the last two bytes (a split ESC[K).
      m_search_from = m_buffer.size() > 2 ? m_buffer.size() - 2 : 0;
      m_frame_pending = false;
      break;
    }
    size_t end = 0;
    FrameScan scan = scan_frame(pos, end, base64);
    if (scan == FrameScan::not_a_frame) {
      m_search_from = pos + 1;
      continue;
    }
    if (scan == FrameScan::incomplete) {
      m_search_from = pos;
      m_frame_pending = true;
      break;
    }
    Json next = Json::object();
    if (auto decoded = util::base64_decode(base64)) {
      next = util::parse_python_json(*decoded);
      if (next.is_discarded() || !next.is_object()) {
        next = Json::object();
      }
    }
    std::string before = m_buffer.substr(0, pos);
    m_buffer.erase(0, end);
    m_search_from = 0;
    emit(before, std::move(next), false);
  }
  emit_complete_lines();
}

void OutputFilter::emit_complete_lines() {
  // Outside any event, complete lines become verbose events at once (the reference waits for
  // a chunk with a newline; the events are the same). Lines are cut only before a frame that
  // is still arriving.
  if (m_current) {
    return;
  }
  size_t limit = m_frame_pending ? m_search_from : m_buffer.size();
  if (limit == 0) {
    return;
  }
  size_t last_newline = m_buffer.rfind('\n', limit - 1);
  if (last_newline == std::string::npos) {
    return;
  }
  size_t cut = last_newline + 1;
  std::string lines = m_buffer.substr(0, cut);
  m_buffer.erase(0, cut);
  m_search_from = m_search_from > cut ? m_search_from - cut : 0;
  emit(lines, Json(), false);
}

void OutputFilter::emit(std::string_view text, Json next, bool at_end) {
  if (m_current) {
    FilterEvent event;
    event.framed = true;
    event.frame = std::move(*m_current);
    deliver(event, text);
  } else if (!text.empty()) {
    split_lines_keepends(text, [&](std::string_view line) {
      FilterEvent event;
      event.frame = Json::object();
      event.raw_display = std::string(line);
      if (at_end && strip_line_ends(line).size() == line.size()) {
        event.raw_display->push_back('\n'); // the last, unterminated line
      }
      deliver(event, line);
    });
  }
  m_current.reset();
  if (next.is_object()) {
    auto it = next.find("uuid");
    if (it != next.end() && !(it->is_string() && it->get_ref<const std::string&>().empty()) && !it->is_null()) {
      m_current = std::move(next);
    }
  }
}

void OutputFilter::deliver(FilterEvent& event, std::string_view chunk) {
  event.counter = ++m_counter;
  event.stdout_text = std::string(strip_line_ends(chunk));
  auto lines = static_cast<long>(std::count(chunk.begin(), chunk.end(), '\n'));
  event.start_line = m_line;
  event.end_line = m_line + lines;
  m_line += lines;
  m_sink(event);
}

void OutputFilter::finish() {
  std::string rest;
  rest.swap(m_buffer);
  m_search_from = 0;
  m_frame_pending = false;
  emit(rest, Json(), true);
}

} // namespace ansible_runner::events
