#pragma once
// Event selections shared by RunResult and RunHandle.
#include <string>

#include <ansible_runner/events.hpp>

namespace ansible_runner::api {

// Events whose event_data.host equals `host` (the reference's Runner.host_events).
EventRange::Filter host_filter(std::string host);

} // namespace ansible_runner::api
