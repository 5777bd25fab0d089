#include "events/event_builder.hpp"

#include <unistd.h>

#include "events/event_file_name.hpp"
#include "util/fs.hpp"
#include "util/ids.hpp"
#include "util/json_object_builder.hpp"
#include "util/json_parse.hpp"
#include "util/python_json.hpp"

namespace ansible_runner::events {
namespace {

// The reference plugin's begin frame holds only the uuid; its data waits in a partial file.
void merge_partial_file(Json& event, const std::string& uuid, const std::string& job_events_dir) {
  std::optional<std::string> name = partial_file_name(uuid);
  if (!name) {
    return; // a hostile uuid ("../../x") names no file of ours
  }
  std::string path = util::path_join(job_events_dir, *name);
  std::optional<std::string> text;
  try {
    text = util::read_file_if_exists(path);
  } catch (const std::exception&) {
    return;
  }
  if (!text) {
    return;
  }
  Json partial = util::parse_json_or_discarded(*text, util::k_default_json_limits); // the job wrote it: bounded depth
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
  parse_frame(found);
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

bool splice_event(const FilterEvent& found, const std::string& runner_ident, std::string& out, std::string& uuid) {
  const std::string_view text = found.frame_text;
  const std::vector<util::RawMember>& members = found.frame_members;
  if (text.empty() || found.spilled || members.size() < 2) {
    return false;
  }
  std::string_view uuid_text;
  bool has_created = false;
  for (const util::RawMember& m : members) {
    std::string_view key = m.key(text);
    if (key == "\"uuid\"") {
      uuid_text = m.value(text);
    } else if (key == "\"created\"") {
      has_created = true;
    } else if (key == "\"counter\"" || key == "\"stdout\"" || key == "\"start_line\"" || key == "\"end_line\"" ||
               key == "\"runner_ident\"") {
      return false;
    }
  }
  if (uuid_text.size() < 3 || uuid_text.front() != '"' || uuid_text.find('\\') != std::string_view::npos) {
    return false;
  }
  uuid.assign(uuid_text.substr(1, uuid_text.size() - 2));
  out += "{\"uuid\": ";
  out += uuid_text;
  out += ", \"counter\": ";
  out += std::to_string(found.counter);
  out += ", \"stdout\": \"";
  util::python_dumps_string_body(found.stdout_text, out);
  out += "\", \"start_line\": ";
  out += std::to_string(found.start_line);
  out += ", \"end_line\": ";
  out += std::to_string(found.end_line);
  out += ", \"runner_ident\": ";
  util::python_dumps(Json(runner_ident), out);
  for (const util::RawMember& m : members) {
    if (m.key(text) != "\"uuid\"") {
      out += ", ";
      out += m.key(text);
      out += ": ";
      out += m.value(text);
    }
  }
  if (!has_created) {
    out += ", \"created\": ";
    util::python_dumps(Json(util::utc_timestamp()), out);
  }
  out += '}';
  return true;
}

void dump_event_streamed(const Json& event, EventText& text, const std::function<void(std::string_view)>& out) {
  constexpr size_t k_piece = 1u << 20;
  std::string buffer = "{";
  bool first = true;
  for (const auto& [key, value] : event.items()) {
    if (!first) {
      buffer += ", ";
    }
    first = false;
    util::python_dumps(Json(key), buffer);
    buffer += ": ";
    if (key != "stdout") {
      util::python_dumps(value, buffer);
      continue;
    }
    buffer += '"';
    text.read(text.stripped_size(), [&](std::string_view piece) {
      util::python_dumps_string_body(piece, buffer);
      if (buffer.size() >= k_piece) {
        out(buffer);
        buffer.clear();
      }
    });
    buffer += '"';
  }
  buffer += '}';
  out(buffer);
}

} // namespace ansible_runner::events
