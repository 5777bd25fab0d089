#include "events/event_builder.hpp"

#include <unistd.h>

#include "util/fs.hpp"
#include "util/ids.hpp"

namespace ansible_runner::events {
namespace {

// The reference plugin's begin frame holds only the uuid; its data waits in a partial file.
void merge_partial_file(Json& event, const std::string& uuid, const std::string& job_events_dir) {
  std::string path = util::path_join(job_events_dir, uuid + "-partial.json");
  std::optional<std::string> text;
  try {
    text = util::read_file_if_exists(path);
  } catch (const std::exception&) {
    return;
  }
  if (!text) {
    return;
  }
  Json partial = Json::parse(*text, nullptr, false);
  if (partial.is_object()) {
    for (auto& [key, value] : partial.items()) {
      event[key] = std::move(value);
    }
  }
  ::unlink(path.c_str());
}

} // namespace

Json build_event(FilterEvent& found, const std::string& runner_ident, const std::string& job_events_dir) {
  Json event = Json::object();
  if (!found.framed) {
    event["event"] = "verbose";
    event["uuid"] = util::uuid4();
    event["counter"] = found.counter;
    event["stdout"] = std::move(found.stdout_text);
    event["start_line"] = found.start_line;
    event["end_line"] = found.end_line;
    event["runner_ident"] = runner_ident;
    event["created"] = util::utc_timestamp();
    return event;
  }
  Json& frame = found.frame;
  auto uuid_it = frame.find("uuid");
  event["uuid"] = uuid_it != frame.end() ? *uuid_it : Json();
  event["counter"] = found.counter;
  event["stdout"] = std::move(found.stdout_text);
  event["start_line"] = found.start_line;
  event["end_line"] = found.end_line;
  event["runner_ident"] = runner_ident;
  if (frame.size() == 1 && event["uuid"].is_string()) {
    merge_partial_file(event, event["uuid"].get<std::string>(), job_events_dir);
  } else {
    for (auto& [key, value] : frame.items()) {
      if (key != "uuid") {
        event[key] = std::move(value);
      }
    }
  }
  if (!event.contains("created")) {
    event["created"] = util::utc_timestamp();
  }
  return event;
}

} // namespace ansible_runner::events
