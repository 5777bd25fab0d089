#include "api/event_dispatch.hpp"

#include "events/event_builder.hpp"
#include "util/python_json.hpp"

namespace ansible_runner::api {

void EventDispatch::dispatch(events::FilterEvent& found, const Show& show) {
  if (found.spilled && m_handlers.wants_events()) {
    events::materialize(found); // a handler takes the whole event, as the reference's does
  }
  if (found.spilled) {
    dispatch_large(found, show);
    return;
  }
  if (!m_handlers.on_event && dispatch_spliced(found, show)) {
    return;
  }
  std::optional<std::string> raw = std::move(found.raw_display);
  Json event = events::build_event(found, m_ident, m_writer.job_events_dir());
  bool keep = true;
  if (m_handlers.on_event) {
    keep = m_handlers.on_event(event);
  }
  if (keep && m_handlers.on_event_json) {
    if (std::optional<std::string> rewritten = m_handlers.on_event_json(util::python_dumps(event))) {
      m_writer.write_event_text(event, *rewritten);
    }
  } else if (keep) {
    m_writer.write_event(event);
  }
  if (raw) {
    show(*raw);
    return;
  }
  std::string display = m_json_mode ? util::python_dumps(event) : event.value("stdout", std::string());
  if (display.empty() || display == "{}") {
    return;
  }
  display += '\n';
  show(display);
}

// The event's text is the same bytes as python_dumps(build_event(...)), without a JSON tree.
bool EventDispatch::dispatch_spliced(events::FilterEvent& found, const Show& show) {
  m_spliced.clear();
  if (!found.framed || !events::splice_event(found, m_ident, m_spliced, m_uuid)) {
    return false;
  }
  if (!m_handlers.on_event_json) {
    m_writer.write_event_text(found.counter, m_uuid, m_spliced);
  } else if (std::optional<std::string> rewritten = m_handlers.on_event_json(m_spliced)) {
    m_writer.write_event_text(found.counter, m_uuid, *rewritten);
  }
  const std::string& display = m_json_mode ? m_spliced : found.stdout_text;
  if (!display.empty() && display != "{}") {
    show(display);
    show("\n");
  }
  return true;
}

// An event whose text waits in a temp file: written and shown in pieces.
void EventDispatch::dispatch_large(events::FilterEvent& found, const Show& show) {
  events::EventText& big = *found.spilled;
  const bool raw = !found.framed && !found.cut_by_frame;
  const bool raw_newline = found.raw_newline;
  Json event = events::build_event(found, m_ident, m_writer.job_events_dir());
  m_writer.write_event(event, big);
  if (raw) {
    big.read(big.size(), show);
    if (raw_newline) {
      show("\n");
    }
  } else if (m_json_mode) {
    events::dump_event_streamed(event, big, show);
    show("\n");
  } else if (big.stripped_size() > 0) {
    big.read(big.stripped_size(), show);
    show("\n");
  }
}

} // namespace ansible_runner::api
