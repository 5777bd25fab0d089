#include "api/event_filters.hpp"

namespace ansible_runner::api {

EventRange::Filter host_filter(std::string host) {
  return [host = std::move(host)](const Json& event) {
    if (!event.is_object()) {
      return false;
    }
    auto data = event.find("event_data");
    if (data == event.end() || !data->is_object()) {
      return false;
    }
    auto value = data->find("host");
    return value != data->end() && value->is_string() && value->get_ref<const std::string&>() == host;
  };
}

} // namespace ansible_runner::api
