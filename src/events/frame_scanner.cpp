#include "events/frame_scanner.hpp"

#include <algorithm>
#include <array>

namespace ansible_runner::events {
namespace {

constexpr std::array<bool, 256> make_base64_table() {
  std::array<bool, 256> t{};
  for (int c = 'A'; c <= 'Z'; ++c) {
    t[static_cast<size_t>(c)] = true;
  }
  for (int c = 'a'; c <= 'z'; ++c) {
    t[static_cast<size_t>(c)] = true;
  }
  for (int c = '0'; c <= '9'; ++c) {
    t[static_cast<size_t>(c)] = true;
  }
  t['+'] = t['/'] = t['='] = true;
  return t;
}
constexpr auto k_base64_char = make_base64_table();

// What our plugin's JSON holds: json.dumps with ensure_ascii escapes everything else.
constexpr std::array<bool, 256> make_printable_table() {
  std::array<bool, 256> t{};
  for (int c = 0x20; c <= 0x7e; ++c) {
    t[static_cast<size_t>(c)] = true;
  }
  return t;
}
constexpr auto k_printable = make_printable_table();

bool is_digit(char c) { return c >= '0' && c <= '9'; }

} // namespace

void FrameScanner::reset() {
  m_state = State::open_esc;
  m_pos = 0;
  m_run_start = 0;
  m_groups = 0;
  m_json = false;
  m_payload.clear();
}

FrameScanner::Result FrameScanner::scan(std::string_view data) {
  const size_t size = data.size();
  while (m_pos < size) {
    if (m_pos > k_max_frame_bytes) {
      return Result::not_a_frame;
    }
    const char c = data[m_pos];
    switch (m_state) {
    case State::open_esc:
      if (c != '\x1b') {
        return Result::not_a_frame;
      }
      m_state = State::open_kind;
      break;
    case State::open_kind:
      if (c == '_') {
        m_json = true;
        m_state = State::json;
        m_run_start = m_pos + 1;
        break;
      }
      if (c != '[') {
        return Result::not_a_frame;
      }
      m_state = State::open_k;
      break;
    case State::open_k:
      if (c != 'K') {
        return Result::not_a_frame;
      }
      m_state = State::run;
      m_run_start = m_pos + 1;
      break;
    case State::run: {
      // The hot loop: a whole run of base64 at once.
      size_t i = m_pos;
      const size_t limit = std::min(size, m_run_start + k_max_frame_bytes + 1);
      while (i < limit && k_base64_char[static_cast<unsigned char>(data[i])]) {
        ++i;
      }
      m_pos = i;
      if (i == limit) {
        continue; // need more (or the size check above ends it)
      }
      if (data[i] != '\x1b') {
        return Result::not_a_frame;
      }
      if (i == m_run_start) {
        // No base64: only the closing ESC[K may follow a group.
        if (m_groups == 0) {
          return Result::not_a_frame;
        }
        m_state = State::close_bracket;
      } else {
        m_payload.append(data.substr(m_run_start, i - m_run_start));
        m_state = State::group_bracket;
      }
      break;
    }
    case State::group_bracket:
      if (c != '[') {
        return Result::not_a_frame;
      }
      m_state = State::group_first_digit;
      break;
    case State::group_first_digit:
      if (!is_digit(c)) {
        return Result::not_a_frame;
      }
      m_state = State::group_digits;
      break;
    case State::group_digits:
      if (c == 'D') {
        ++m_groups;
        m_state = State::run;
        m_run_start = m_pos + 1;
      } else if (!is_digit(c)) {
        return Result::not_a_frame;
      }
      break;
    case State::close_bracket:
      if (c != '[') {
        return Result::not_a_frame;
      }
      m_state = State::close_k;
      break;
    case State::close_k:
      if (c != 'K') {
        return Result::not_a_frame;
      }
      ++m_pos;
      return Result::complete;
    case State::json:
    case State::json_close:
      return scan_json(data);
    }
    ++m_pos;
  }
  return m_pos > k_max_frame_bytes ? Result::not_a_frame : Result::incomplete;
}

FrameScanner::Result FrameScanner::scan_json(std::string_view data) {
  const size_t size = data.size();
  if (m_state == State::json) {
    // The hot loop: the whole JSON at once.
    size_t i = m_pos;
    const size_t limit = std::min(size, k_max_frame_bytes + 1);
    while (i < limit && k_printable[static_cast<unsigned char>(data[i])]) {
      ++i;
    }
    m_pos = i;
    if (i == limit) {
      return m_pos > k_max_frame_bytes ? Result::not_a_frame : Result::incomplete;
    }
    if (data[i] != '\x1b' || i == m_run_start || data[m_run_start] != '{') {
      return Result::not_a_frame;
    }
    m_payload.assign(data.substr(m_run_start, i - m_run_start));
    m_state = State::json_close;
    if (++m_pos == size) {
      return Result::incomplete;
    }
  }
  if (data[m_pos] != '\\') {
    return Result::not_a_frame;
  }
  ++m_pos;
  return Result::complete;
}

} // namespace ansible_runner::events
