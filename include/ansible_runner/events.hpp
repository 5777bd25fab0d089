#pragma once
// Reading a job's events back from its artifact dir, as the reference's Runner.events,
// Runner.stats and Runner.host_events do (docs/python-api.md section 3).
//
// An EventRange is a lazy view over <artifact_dir>/job_events/<counter>-<uuid>.json: it lists
// the file names, sorts them by counter and parses one file per step, so memory does not grow
// with the number of events. Each begin() starts a fresh pass (the reference's property returns
// a new generator on every access).
//
// A range made for a running job (RunHandle::events()) follows it: once the files present have
// been read it lists the directory again, every 50 ms, until the job has finished, then makes
// one last pass. The reference re-lists without sleeping (a busy loop); the events are the same.
#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>

#include <ansible_runner/json.hpp>

namespace ansible_runner {

namespace detail {
struct EventCursor;
}

class EventRange {
public:
  // Selects events; an empty filter takes all.
  using Filter = std::function<bool(const Json& event)>;
  // True while the job may still write events; empty for a finished job.
  using Running = std::function<bool()>;

  EventRange(std::string job_events_dir, Filter filter = {}, Running running = {});

  class iterator {
  public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Json;
    using difference_type = std::ptrdiff_t;
    using pointer = const Json*;
    using reference = const Json&;

    iterator() = default;
    reference operator*() const;
    pointer operator->() const { return &**this; }
    iterator& operator++();
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return it.at_end(); }

  private:
    friend class EventRange;
    explicit iterator(std::shared_ptr<detail::EventCursor> cursor) : m_cursor(std::move(cursor)) {}
    bool at_end() const;
    std::shared_ptr<detail::EventCursor> m_cursor;
  };

  // Starts a pass. Files whose names match ^[0-9]+-.+json$ and do not contain "-partial" are
  // read in counter order. A file that is not valid JSON ends the current listing, as in the
  // reference (a running job's next listing tries it again).
  // Throws Error("events directory is missing: <dir>") when job_events/ does not exist; a
  // following range first waits up to 60 s for the job to create it (the reference's wait).
  iterator begin() const;
  std::default_sentinel_t end() const { return {}; }

  const std::string& job_events_dir() const { return m_dir; }

private:
  std::string m_dir;
  Filter m_filter;
  Running m_running;
};

// The event_data of the first playbook_on_stats event in the reference's shape: the keys
// skipped, ok, dark, failures, ignored, rescued, processed, changed, each defaulting to {}.
// nullopt without such an event (e.g. ad-hoc runs, or a failed start).
std::optional<Json> stats_of(const EventRange& events);

} // namespace ansible_runner
