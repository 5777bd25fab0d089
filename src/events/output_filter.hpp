#pragma once
// OutputFilter turns the decoded pty text of a job into events, as the reference's
// OutputEventFilter does (artifacts-and-events.md 3.3), with a linear scanner instead of a
// regex re-run over a growing buffer.
//
// The callback plugin wraps the text of each event in frames: a begin frame carrying the
// event as base64 JSON, the text, and an end frame encoding {}. A frame is
// ESC[K (base64 ESC[<n>D)+ ESC[K. Text outside frames becomes one `verbose` event per line.
// Every line of output belongs to exactly one event and line ranges are contiguous.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <ansible_runner/json.hpp>

namespace ansible_runner::events {

struct FilterEvent {
  bool framed = false;      // text of a callback frame; `frame` holds its begin-frame object
  Json frame;               // decoded begin frame ({} for verbose events)
  std::string stdout_text;  // the text, trailing \r and \n stripped
  long counter = 0;
  long start_line = 0;
  long end_line = 0;
  // Verbose lines are shown exactly as they came (with their \r\n); framed events as
  // stdout_text + "\n" when non-empty. The reference shows verbose lines that precede a frame
  // in the same read as stdout_text + "\n", and only the last of them: output that depends on
  // how reads split the stream. Ours does not.
  std::optional<std::string> raw_display;
};

class OutputFilter {
public:
  using Sink = std::function<void(FilterEvent&)>;

  explicit OutputFilter(Sink sink) : m_sink(std::move(sink)) {}

  // Feeds decoded (valid UTF-8) output text.
  void feed(std::string_view text);
  // End of output: what is left becomes an event (an open event absorbs it).
  void finish();

  long counter() const { return m_counter; }

  // A frame that is still incomplete after this many bytes is treated as plain text, so a
  // stray ESC[K cannot make the buffer grow without bound. Largest real frames carry
  // MAX_EVENT_RES (700 kB) of JSON, about 1 MB of base64.
  static constexpr size_t k_max_frame_bytes = 64u << 20;

private:
  enum class FrameScan { complete, incomplete, not_a_frame };
  FrameScan scan_frame(size_t pos, size_t& end, std::string& base64) const;
  void emit(std::string_view text, Json next, bool at_end);
  void deliver(FilterEvent& event, std::string_view chunk);
  void emit_complete_lines();

  Sink m_sink;
  std::string m_buffer;
  size_t m_search_from = 0;            // no frame starts before this offset of m_buffer
  bool m_frame_pending = false;        // a frame starts at m_search_from but is incomplete
  std::optional<Json> m_current;       // begin-frame data of the open event
  long m_counter = 0;
  long m_line = 0;
};

// Python's str.splitlines(keepends=True) on UTF-8 text: lines end at \n, \r, \r\n, \v, \f,
// \x1c, \x1d, \x1e, U+0085, U+2028 and U+2029.
void split_lines_keepends(std::string_view text, const std::function<void(std::string_view)>& line);

} // namespace ansible_runner::events
