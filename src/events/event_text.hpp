#pragma once
// EventText holds the text of one event while it arrives: in memory up to a limit, then in an
// unnamed temp file, so that a task printing a gigabyte keeps the runner's memory bounded.
// The reference keeps every byte (in memory, several copies); so do we, on disk.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "util/fd.hpp"

namespace ansible_runner::events {

class EventText {
public:
  // Without a spill dir the text always stays in memory.
  explicit EventText(size_t memory_limit = 0, std::string spill_dir = {})
      : m_memory_limit(memory_limit), m_spill_dir(std::move(spill_dir)) {}

  // Appends valid UTF-8 text. Throws Error when the temp file cannot be written.
  void append(std::string_view text);
  void clear();

  bool empty() const { return m_size == 0; }
  size_t size() const { return m_size; }
  bool spilled() const { return static_cast<bool>(m_file); }
  // How many \n the text holds, and its size without the trailing run of \r and \n.
  long newlines() const { return m_newlines; }
  size_t stripped_size() const { return m_size - m_trailing_line_ends; }
  bool ends_with_cr() const { return m_size > 0 && m_last == '\r'; }

  // The text, when it is not spilled.
  std::string_view memory() const { return m_memory; }
  // Hands over the first `length` bytes in pieces cut between UTF-8 characters.
  void read(size_t length, const std::function<void(std::string_view)>& piece);
  std::string read_all(size_t length);

private:
  void spill();
  void flush_to_file();

  size_t m_memory_limit;
  std::string m_spill_dir;
  std::string m_memory; // the text, or once spilled the bytes not yet written to m_file
  util::UniqueFd m_file;
  size_t m_size = 0;
  long m_newlines = 0;
  size_t m_trailing_line_ends = 0;
  char m_last = 0;
};

} // namespace ansible_runner::events
