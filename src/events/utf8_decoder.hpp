#pragma once
// Incremental UTF-8 decoding with replacement, as Python's codecs with errors='replace' do it:
// each maximal invalid subpart becomes one U+FFFD; a sequence cut at the end of a chunk waits
// for the next chunk. The runner decodes pty output this way (docs/execution.md 4.1), so events'
// stdout never holds invalid UTF-8.
#include <string>
#include <string_view>

namespace ansible_runner::events {

class Utf8Decoder {
public:
  // Appends the valid UTF-8 form of `bytes` to `out`, keeping an incomplete tail for later.
  void decode(std::string_view bytes, std::string& out);
  // Flushes an incomplete tail as U+FFFD (end of input).
  void finish(std::string& out);

private:
  std::string m_pending; // at most 3 bytes of an unfinished sequence
};

} // namespace ansible_runner::events
