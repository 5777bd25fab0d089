#pragma once
// FrameScanner recognises one event frame at the start of a buffer that may still be
// arriving, in either of its two forms (docs/artifacts-and-events.md 3.1):
//   ESC[K (base64 ESC[<digits>D)+ ESC[K   the 2.3 plugin's: base64 of the JSON, in chunks
//   ESC _ {JSON} ESC \                   ours: the JSON itself (printable ASCII), in an APC
//                                         string, which terminals do not show
// It resumes where the last call stopped, so a frame split over many reads is looked at
// once (the reference re-runs its regex over the whole buffer on each read that holds ESC[K).
#include <cstddef>
#include <string>
#include <string_view>

namespace ansible_runner::events {

class FrameScanner {
public:
  enum class Result { complete, incomplete, not_a_frame };

  // A frame still incomplete after this many bytes is not a frame (its bytes are text), so a
  // stray ESC[K or ESC _ cannot hold output back without bound. Our callback's largest frames
  // carry a result of MAX_EVENT_RES (700 k) characters, a few MB of JSON at most (\uXXXX for
  // each character beyond ASCII). The reference has no limit.
  static constexpr size_t k_max_frame_bytes = 64u << 20;

  // `data` starts at the frame's ESC and, between calls until reset(), only grows at its end.
  Result scan(std::string_view data);
  // After `complete`: the frame's length, and what it carries: the JSON text itself
  // (is_json()) or its base64 without the ESC[<n>D markers.
  size_t end() const { return m_pos; }
  const std::string& payload() const { return m_payload; }
  bool is_json() const { return m_json; }
  void reset();

private:
  enum class State { open_esc, open_kind, open_k, run, group_bracket, group_first_digit, group_digits,
                     close_bracket, close_k, json, json_close };
  Result scan_json(std::string_view data);

  State m_state = State::open_esc;
  size_t m_pos = 0;       // next byte to look at
  size_t m_run_start = 0; // start of the base64 run (or the JSON) being read
  int m_groups = 0;
  bool m_json = false;
  std::string m_payload;
};

} // namespace ansible_runner::events
