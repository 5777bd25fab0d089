#pragma once
// Builds the final event a consumer sees from what the output filter found, in the
// reference's key order (docs/artifacts-and-events.md 3.4):
//   framed:  uuid, counter, stdout, start_line, end_line, runner_ident, then the callback's
//            keys (event, [job_id...], pid, created, [parent_uuid], [verbosity], event_data)
//   verbose: event, uuid, counter, stdout, start_line, end_line, runner_ident, created
#include <functional>
#include <string>
#include <string_view>

#include <ansible_runner/json.hpp>

#include "events/output_filter.hpp"

namespace ansible_runner::events {

// `job_events_dir` is where a callback that hands data over in partial files (the
// reference's plugin, when a user points AWX_LIB_DIRECTORY at it) leaves them; ours carries
// the whole event in the frame and this is not needed.
Json build_event(FilterEvent& found, const std::string& runner_ident, const std::string& job_events_dir);

// The same event's json.dumps text, spliced from the begin frame's text without a JSON tree,
// for a framed event whose frame_text and frame_members are set and whose text is in memory.
// Returns false (out unspecified) when the frame needs the general path: a uuid-only frame
// (partial files), a uuid that is not a plain string, or callback keys that the runner's own
// keys would overwrite. `uuid` gets the event's uuid (for the file name).
bool splice_event(const FilterEvent& found, const std::string& runner_ident, std::string& out, std::string& uuid);

// json.dumps(event) handed over in pieces, with the value of "stdout" read from `text` (its
// trailing line ends stripped): for events too large to hold in memory.
void dump_event_streamed(const Json& event, EventText& text, const std::function<void(std::string_view)>& out);

} // namespace ansible_runner::events
