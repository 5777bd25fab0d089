#pragma once
// Recognises JSON text that is already in the form Python's json.dumps() writes by default, so
// that a parsed-and-re-encoded copy would be the same bytes. Our callback plugin writes every
// begin frame this way; the runner then builds the event text by splicing the frame's members
// instead of building a JSON tree (the tree was half of the runner's own CPU per event).
#include <string_view>
#include <vector>

namespace ansible_runner::util {

// One top-level member as raw JSON text (offsets into the scanned text, so the text may move):
// the key with its quotes, and the value.
struct RawMember {
  size_t key_pos = 0;
  size_t key_size = 0;
  size_t value_pos = 0;
  size_t value_size = 0;

  std::string_view key(std::string_view text) const { return text.substr(key_pos, key_size); }
  std::string_view value(std::string_view text) const { return text.substr(value_pos, value_size); }
};

// True when `text` is an object exactly as json.dumps() writes it: separators ", " and ": ",
// no other white space, strings with only the escapes json.dumps uses (ensure_ascii; no lone
// surrogates), integers of at most 18 digits, floats in repr() form, no duplicate keys at
// any level, at most 128 levels deep. `members` gets the top-level members.
bool scan_python_dumps_object(std::string_view text, std::vector<RawMember>& members);

// The same, keeping its scratch between calls (one per thread).
class PythonDumpsForm {
public:
  bool scan_object(std::string_view text, std::vector<RawMember>& members);

private:
  std::vector<std::string_view> m_keys; // keys of the objects being read, innermost last
};

} // namespace ansible_runner::util
