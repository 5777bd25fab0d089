// EventRange: job_events/ read one file per step, in counter order.
#include <ansible_runner/events.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

#include <ansible_runner/errors.hpp>

#include "util/dir_listing.hpp"
#include "util/fs.hpp"
#include "util/json_parse.hpp"

namespace ansible_runner {

namespace {

constexpr auto k_relist_pause = std::chrono::milliseconds(50);
constexpr auto k_dir_wait = std::chrono::seconds(60);

// The reference's ^[0-9]+-.+json$ without "-partial"; returns the counter.
std::optional<long long> event_file_counter(const std::string& name) {
  size_t digits = 0;
  while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') {
    ++digits;
  }
  if (digits == 0 || digits + 1 >= name.size() || name[digits] != '-' || name.size() < digits + 2 + 4 ||
      !name.ends_with("json") || name.find("-partial") != std::string::npos) {
    return std::nullopt;
  }
  try {
    return std::stoll(name.substr(0, digits));
  } catch (const std::out_of_range&) {
    return std::nullopt;
  }
}

struct Entry {
  long long counter;
  std::string name;
};

} // namespace

namespace detail {

struct EventCursor {
  std::string dir;
  EventRange::Filter filter;
  EventRange::Running running;

  std::set<std::string> seen; // names already read (only names: events are not kept)
  std::vector<Entry> listing; // the current pass, sorted
  size_t next = 0;
  bool listed = false;
  bool last_listing = false;  // the listing made after the job finished
  size_t seen_at_listing = 0;
  bool at_end = false;
  Json current;

  bool job_running() const { return running && running(); }

  void wait_for_dir() {
    const auto start = std::chrono::steady_clock::now();
    while (!util::is_directory(dir)) {
      if (!job_running() || std::chrono::steady_clock::now() - start > k_dir_wait) {
        throw Error("events directory is missing: " + dir);
      }
      std::this_thread::sleep_for(k_relist_pause);
    }
  }

  void list() {
    listing.clear();
    next = 0;
    std::optional<std::vector<util::DirEntry>> entries = util::list_directory(dir);
    if (!entries) {
      throw Error("cannot list " + dir + ": " + std::strerror(errno));
    }
    for (util::DirEntry& e : *entries) {
      if (seen.contains(e.name)) {
        continue;
      }
      if (auto counter = event_file_counter(e.name)) {
        listing.push_back({*counter, std::move(e.name)});
      }
    }
    std::sort(listing.begin(), listing.end(), [](const Entry& a, const Entry& b) {
      return a.counter != b.counter ? a.counter < b.counter : a.name < b.name;
    });
  }

  // The next event of the current listing; false when the listing is used up (or a file
  // could not be read, which ends it as in the reference).
  bool next_in_listing() {
    while (next < listing.size()) {
      const std::string& name = listing[next].name;
      std::optional<std::string> text;
      try {
        text = util::read_file_if_exists(util::path_join(dir, name));
      } catch (const Error&) {
        text.reset();
      }
      Json event = text ? util::parse_python_json(*text) : Json(nullptr);
      if (!text || event.is_discarded()) {
        next = listing.size();
        return false;
      }
      seen.insert(name);
      ++next;
      if (!filter || filter(event)) {
        current = std::move(event);
        return true;
      }
    }
    return false;
  }

  void advance() {
    for (;;) {
      if (next_in_listing()) {
        return;
      }
      if (last_listing) {
        at_end = true;
        current = Json();
        return;
      }
      bool was_running = job_running();
      if (was_running && listed && seen.size() == seen_at_listing) {
        std::this_thread::sleep_for(k_relist_pause); // nothing new; the reference spins here
      }
      last_listing = !was_running;
      listed = true;
      seen_at_listing = seen.size();
      list();
    }
  }
};

} // namespace detail

EventRange::EventRange(std::string job_events_dir, Filter filter, Running running)
    : m_dir(std::move(job_events_dir)), m_filter(std::move(filter)), m_running(std::move(running)) {}

EventRange::iterator EventRange::begin() const {
  auto cursor = std::make_shared<detail::EventCursor>();
  cursor->dir = m_dir;
  cursor->filter = m_filter;
  cursor->running = m_running;
  cursor->wait_for_dir();
  cursor->advance();
  return iterator(std::move(cursor));
}

EventRange::iterator::reference EventRange::iterator::operator*() const { return m_cursor->current; }

EventRange::iterator& EventRange::iterator::operator++() {
  m_cursor->advance();
  return *this;
}

bool EventRange::iterator::at_end() const { return !m_cursor || m_cursor->at_end; }

std::optional<Json> stats_of(const EventRange& events) {
  for (const Json& event : events) {
    if (!event.is_object() || event.value("event", Json()) != "playbook_on_stats") {
      continue;
    }
    const Json data = event.contains("event_data") && event["event_data"].is_object() ? event["event_data"]
                                                                                       : Json::object();
    Json stats = Json::object();
    for (const char* key : {"skipped", "ok", "dark", "failures", "ignored", "rescued", "processed", "changed"}) {
      stats[key] = data.contains(key) ? data[key] : Json::object();
    }
    return stats;
  }
  return std::nullopt;
}

} // namespace ansible_runner
