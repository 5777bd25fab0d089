#include "events/event_text.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

namespace ansible_runner::events {
namespace {

constexpr size_t k_write_buffer = 1u << 20;
constexpr size_t k_read_piece = 1u << 20;

[[noreturn]] void fail(const std::string& what, const std::string& dir) {
  throw Error("cannot " + what + " the temp file of a large event in " + dir + ": " + std::strerror(errno));
}

// An unnamed file in `dir`, gone when closed.
util::UniqueFd open_unnamed_file(const std::string& dir) {
  util::UniqueFd fd(::open(dir.c_str(), O_RDWR | O_TMPFILE | O_CLOEXEC, 0600));
  if (fd) {
    return fd;
  }
  std::string path = dir + "/.event-text-XXXXXX"; // file systems without O_TMPFILE
  fd.reset(::mkostemp(path.data(), O_CLOEXEC));
  if (!fd) {
    fail("create", dir);
  }
  ::unlink(path.c_str());
  return fd;
}

bool is_line_end(char c) { return c == '\n' || c == '\r'; }

} // namespace

void EventText::append(std::string_view text) {
  if (text.empty()) {
    return;
  }
  m_size += text.size();
  m_newlines += static_cast<long>(std::count(text.begin(), text.end(), '\n'));
  auto last_other = std::find_if_not(text.rbegin(), text.rend(), is_line_end);
  if (last_other == text.rend()) {
    m_trailing_line_ends += text.size();
  } else {
    m_trailing_line_ends = static_cast<size_t>(last_other - text.rbegin());
  }
  m_last = text.back();
  m_memory.append(text);
  if (m_file) {
    if (m_memory.size() >= k_write_buffer) {
      flush_to_file();
    }
  } else if (m_memory_limit > 0 && !m_spill_dir.empty() && m_memory.size() > m_memory_limit) {
    spill();
  }
}

void EventText::spill() {
  m_file = open_unnamed_file(m_spill_dir);
  flush_to_file();
  std::string().swap(m_memory); // give the memory back
}

void EventText::flush_to_file() {
  if (!util::write_all(m_file.get(), m_memory)) {
    fail("write", m_spill_dir);
  }
  m_memory.clear();
}

void EventText::clear() {
  if (m_file) {
    m_file.reset();
    std::string().swap(m_memory);
  }
  m_memory.clear();
  m_size = 0;
  m_newlines = 0;
  m_trailing_line_ends = 0;
  m_last = 0;
}

void EventText::read(size_t length, const std::function<void(std::string_view)>& piece) {
  length = std::min(length, m_size);
  if (!m_file) {
    if (length > 0) {
      piece(std::string_view(m_memory).substr(0, length));
    }
    return;
  }
  flush_to_file();
  std::string buffer(k_read_piece + 4, '\0');
  size_t carried = 0; // bytes of a character cut at the end of the previous piece
  off_t offset = 0;
  while (static_cast<size_t>(offset) < length) {
    size_t want = std::min(k_read_piece, length - static_cast<size_t>(offset));
    ssize_t n = ::pread(m_file.get(), buffer.data() + carried, want, offset);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      if (n == 0) {
        errno = EIO;
      }
      fail("read", m_spill_dir);
    }
    offset += n;
    size_t have = carried + static_cast<size_t>(n);
    // Keep back a trailing, unfinished UTF-8 sequence for the next piece.
    size_t cut = have;
    if (static_cast<size_t>(offset) < length) {
      size_t back = 0;
      while (back < 3 && back < have && (static_cast<unsigned char>(buffer[have - 1 - back]) & 0xC0) == 0x80) {
        ++back;
      }
      if (back < have && static_cast<unsigned char>(buffer[have - 1 - back]) >= 0xC0) {
        cut = have - 1 - back;
      }
    }
    piece(std::string_view(buffer).substr(0, cut));
    carried = have - cut;
    std::memmove(buffer.data(), buffer.data() + cut, carried);
  }
  if (carried > 0) {
    piece(std::string_view(buffer).substr(0, carried));
  }
}

std::string EventText::read_all(size_t length) {
  if (!m_file) {
    return m_memory.substr(0, length);
  }
  std::string out;
  out.reserve(std::min(length, m_size));
  read(length, [&](std::string_view piece) { out.append(piece); });
  return out;
}

} // namespace ansible_runner::events
