#pragma once
// The names of an event's files in job_events/, checked: `run`, `worker` and `process` write
// and read only plain names there (docs/security.md, hostile uuid). The uuid comes from the
// job's output or a worker's stream; "../../x" in it would name a file elsewhere. The reference
// tries the path and gives up on the event's file when that fails (run), or crashes (process).
#include <optional>
#include <string>
#include <string_view>

#include <ansible_runner/json.hpp>

namespace ansible_runner::events {

// "<counter>-<uuid>.json" with both as Python's str() shows them, as the reference names it;
// nullopt when that is not one plain file name (a "/", a NUL, "." or "..", over 255 bytes).
std::optional<std::string> event_file_name(const Json& counter, const Json& uuid);
// The same for a counter and uuid already known as such (the per-event path of `run`).
std::optional<std::string> event_file_name(long counter, std::string_view uuid);

// "<uuid>-partial.json", where the reference's plugin leaves an event's data; nullopt as above.
std::optional<std::string> partial_file_name(const std::string& uuid);

} // namespace ansible_runner::events
