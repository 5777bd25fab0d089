// Fuzz target: whatever a playbook prints, as the runner reads it (docs/artifacts-and-events.md
// 3.3): pty bytes decoded as UTF-8 with replacement (Utf8Decoder), then split into events by
// OutputFilter and its FrameScanner, the code that reads callback frames out of arbitrary text.
// Beyond not crashing or hanging, the events must not depend on how reads split the output
// (ours does not; the reference's verbose lines do), and their line ranges must be contiguous.
//
// Input format: the first byte chooses the read size (1 + byte % 64); the rest is the output.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/output_filter.hpp"
#include "events/utf8_decoder.hpp"
#include "fuzz_scratch.hpp"

using namespace ansible_runner;

namespace {

struct Seen {
  bool framed;
  std::string frame_text;
  std::string stdout_text;
  long counter;
  long start_line;
  long end_line;
  std::optional<std::string> raw_display;
  bool cut_by_frame;

  bool operator==(const Seen&) const = default;
};

std::vector<Seen> events_of(std::string_view output, size_t read_size) {
  std::vector<Seen> seen;
  events::OutputFilter filter([&seen](events::FilterEvent& e) {
    events::materialize(e);
    seen.push_back({e.framed, e.frame_text, e.stdout_text, e.counter, e.start_line, e.end_line, e.raw_display,
                    e.cut_by_frame});
  });
  events::Utf8Decoder decoder;
  std::string text;
  for (size_t at = 0; at < output.size(); at += read_size) {
    text.clear();
    decoder.decode(output.substr(at, read_size), text);
    filter.feed(text);
  }
  text.clear();
  decoder.finish(text);
  filter.feed(text);
  filter.finish();
  return seen;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  size_t read_size = 1 + data[0] % 64;
  std::string_view output(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<Seen> whole = events_of(output, output.size() + 1);
  std::vector<Seen> pieces = events_of(output, read_size);
  if (whole != pieces) {
    fuzz::violation("the events depend on how the reads split the output (read size " + std::to_string(read_size) +
                    "): " + std::to_string(whole.size()) + " events read whole, " + std::to_string(pieces.size()) +
                    " in pieces");
  }
  long line = 0;
  long counter = 0;
  for (const Seen& e : whole) {
    if (e.start_line != line || e.end_line < e.start_line || e.counter != ++counter) {
      fuzz::violation("event " + std::to_string(e.counter) + ": lines " + std::to_string(e.start_line) + ".." +
                      std::to_string(e.end_line) + " after line " + std::to_string(line));
    }
    line = e.end_line;
  }
  return 0;
}
