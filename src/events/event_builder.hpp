#pragma once
// Builds the final event a consumer sees from what the output filter found, in the
// reference's key order (artifacts-and-events.md 3.4):
//   framed:  uuid, counter, stdout, start_line, end_line, runner_ident, then the callback's
//            keys (event, [job_id...], pid, created, [parent_uuid], [verbosity], event_data)
//   verbose: event, uuid, counter, stdout, start_line, end_line, runner_ident, created
#include <string>

#include <ansible_runner/json.hpp>

#include "events/output_filter.hpp"

namespace ansible_runner::events {

// `job_events_dir` is where a callback that hands data over in partial files (the
// reference's plugin, when a user points AWX_LIB_DIRECTORY at it) leaves them; ours carries
// the whole event in the frame and this is not needed.
Json build_event(FilterEvent& found, const std::string& runner_ident, const std::string& job_events_dir);

} // namespace ansible_runner::events
