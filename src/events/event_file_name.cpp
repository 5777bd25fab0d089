#include "events/event_file_name.hpp"

#include <string_view>

#include "util/python_repr.hpp"

namespace ansible_runner::events {
namespace {

std::optional<std::string> plain(std::string name) {
  bool plain = !name.empty() && name.size() <= 255 && name != "." && name != ".." &&
               name.find('/') == std::string::npos && name.find('\0') == std::string::npos;
  return plain ? std::optional<std::string>(std::move(name)) : std::nullopt;
}

} // namespace

std::optional<std::string> event_file_name(const Json& counter, const Json& uuid) {
  return plain(util::python_str(counter) + "-" + util::python_str(uuid) + ".json");
}

std::optional<std::string> event_file_name(long counter, std::string_view uuid) {
  std::string name = std::to_string(counter);
  name += '-';
  name += uuid;
  name += ".json";
  return plain(std::move(name));
}

std::optional<std::string> partial_file_name(const std::string& uuid) { return plain(uuid + "-partial.json"); }

} // namespace ansible_runner::events
