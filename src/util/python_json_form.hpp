#pragma once
// Recognises JSON text that is already exactly what Python's json.dumps() (default settings)
// writes back after json.loads(): for such text the round trip keeps the bytes, so a caller can
// use the text as it is instead of building a JSON tree. Two hot paths rely on it: the runner
// splices the event text from our callback's begin frames (events/event_builder.hpp), and
// `process` keeps each result-stream line that a Python worker wrote (stream/process_line_scan.hpp).
//
// The rule is Python's round trip, not what a strict JSON library can hold: Python keeps
// integers of any size, lone surrogate escapes (\udcff) and NaN/Infinity through json.loads and
// json.dumps, and so does the reference when it writes an event file, so that text is accepted
// here too. The same walker, in its other mode, rewrites any text json.loads reads into that
// form (python_json_normalize), so both modes share every rule of the grammar.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/json_object_builder.hpp"

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

// True when `text` is a JSON object and json.dumps(json.loads(text)) == text: separators ", "
// and ": ", no other white space; strings of printable ASCII with only the escapes json.dumps
// writes (\uXXXX in lower-case hex for controls, DEL and non-ASCII code units, lone surrogates
// included); integers of any size but "-0"; floats in repr() form; NaN, Infinity, -Infinity;
// no duplicate keys at any level; at most 512 levels below the top object. `members` gets the top-level members.
bool scan_python_dumps_object(std::string_view text, std::vector<RawMember>& members);

// Where a key of an object being walked lies in the text.
struct KeySpan {
  size_t pos = 0;
  size_t size = 0;
};

// The same, keeping its scratch between calls (one per thread).
class PythonDumpsForm {
public:
  // False also for a text past `limits`, which the caller's parser then refuses by name.
  bool scan_object(std::string_view text, std::vector<RawMember>& members, const JsonLimits& limits = {});

private:
  std::vector<KeySpan> m_keys; // keys of the objects being read, innermost last
};

// json.dumps(json.loads(text)) with Python's default settings, computed on the text by the same
// walker (big integers and lone surrogates survive, a repeated key keeps its first place and
// the last value); nullopt when json.loads would refuse the text.
std::optional<std::string> python_json_normalize(std::string_view text, const JsonLimits& limits = {});

} // namespace ansible_runner::util
