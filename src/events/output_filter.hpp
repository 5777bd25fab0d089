#pragma once
// OutputFilter turns the decoded pty text of a job into events, as the reference's
// OutputEventFilter does (docs/artifacts-and-events.md 3.3), with a linear scanner instead of a
// regex re-run over a growing buffer.
//
// The callback plugin wraps the text of each event in frames: a begin frame carrying the
// event's JSON, the text, and an end frame carrying {}. A frame is ESC _ JSON ESC \ (ours)
// or ESC[K (base64 ESC[<n>D)+ ESC[K (the 2.3 plugin's; see FrameScanner). Text outside
// frames becomes one `verbose` event per line. Every line of output belongs to exactly one
// event and line ranges are contiguous. Nothing is cut: like the reference, an event keeps
// all of its text however long; beyond a memory limit the text waits in a temp file
// (EventText).
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ansible_runner/json.hpp>

#include "events/event_text.hpp"
#include "events/frame_scanner.hpp"
#include "util/python_json_form.hpp"

namespace ansible_runner::events {

struct FilterEvent {
  bool framed = false;      // text of a callback frame; `frame` holds its begin-frame object
  Json frame;               // decoded begin frame ({} for verbose events); see frame_text
  // The begin frame's JSON text when it is in json.dumps form (util/python_json_form.hpp):
  // `frame` is then null until parse_frame(), and the event text may be spliced from it.
  std::string frame_text;
  std::vector<util::RawMember> frame_members; // its top-level members
  std::string stdout_text;  // the text, trailing \r and \n stripped
  long counter = 0;
  long start_line = 0;
  long end_line = 0;
  // Verbose lines are shown exactly as they came (with their \r\n); framed events as
  // stdout_text + "\n" when non-empty. The reference shows verbose lines that precede a frame
  // in the same read as stdout_text + "\n", and only the last of them: output that depends on
  // how reads split the stream. Ours does not.
  std::optional<std::string> raw_display;
  // A verbose line that a frame cut short (no line break before the frame): it has no
  // raw_display and shows as a framed event does, which is what the reference does for it
  // whatever the reads.
  bool cut_by_frame = false;
  // Set when the text outgrew the filter's memory limit: the whole text (line ends included)
  // waits in a temp file, valid during the sink call; stdout_text and raw_display stay empty
  // until materialize(). A spilled verbose line shows as its text plus "\n" if raw_newline.
  EventText* spilled = nullptr;
  bool raw_newline = false;
};

// Parses frame_text into `frame` when that has not been done.
void parse_frame(FilterEvent& event);

// Reads a spilled event's text back into stdout_text (and raw_display for verbose lines).
void materialize(FilterEvent& event);

class OutputFilter {
public:
  using Sink = std::function<void(FilterEvent&)>;

  // With a spill dir, an event's text beyond `memory_limit` bytes goes to a temp file there.
  explicit OutputFilter(Sink sink, std::string spill_dir = {}, size_t memory_limit = k_default_memory_limit)
      : m_sink(std::move(sink)), m_text(memory_limit, std::move(spill_dir)) {}

  // Feeds decoded (valid UTF-8) output text.
  void feed(std::string_view text);
  // End of output: what is left becomes an event (an open event absorbs it).
  void finish();

  long counter() const { return m_counter; }
  // Inside a callback frame: its end marker has not been read yet.
  bool in_frame() const { return m_current.has_value(); }

  static constexpr size_t k_default_memory_limit = 8u << 20;

private:
  size_t process(std::string_view data);
  void on_frame(const FrameScanner& frame);
  void take_text(std::string_view text);
  void take_verbose(std::string_view text);
  void end_pending_line(bool at_end, bool cut_by_frame = false);
  void deliver_framed();
  void deliver_verbose(std::string_view line, bool at_end, bool cut_by_frame = false);
  void deliver_verbose_text(bool at_end, bool cut_by_frame = false);
  void number(FilterEvent& event, long newlines);

  Sink m_sink;
  std::string m_buffer;            // undecided tail: a frame (or ESC[K) that is still arriving
  bool m_in_frame = false;         // m_buffer starts with a frame that m_scanner is reading
  FrameScanner m_scanner;
  std::string m_decoded;           // scratch for a base64 frame's JSON
  struct OpenFrame {
    Json json;        // the parsed frame, or null when `text` holds it in json.dumps form
    std::string text;
    std::vector<util::RawMember> members;
  };
  std::optional<OpenFrame> m_current; // begin frame of the open event
  util::PythonDumpsForm m_form;
  EventText m_text;                // the open event's text, or the verbose line so far
  long m_counter = 0;
  long m_line = 0;
};

// Python's str.splitlines(keepends=True) on UTF-8 text: lines end at \n, \r, \r\n, \v, \f,
// \x1c, \x1d, \x1e, U+0085, U+2028 and U+2029.
void split_lines_keepends(std::string_view text, const std::function<void(std::string_view)>& line);

} // namespace ansible_runner::events
