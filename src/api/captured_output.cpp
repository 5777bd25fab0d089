#include "api/captured_output.hpp"

#include "events/event_builder.hpp"
#include "events/output_filter.hpp"
#include "events/utf8_decoder.hpp"
#include "util/python_json.hpp"

namespace ansible_runner::api {

std::string translate_newlines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') {
        ++i;
      }
    } else {
      out += text[i];
    }
  }
  return out;
}

void CapturedOutput::feed_stream(std::string_view bytes, const std::function<void(std::string_view)>& display) {
  std::string text;
  events::Utf8Decoder decoder;
  decoder.decode(bytes, text);
  decoder.finish(text);
  text = translate_newlines(text);
  const long offset = m_counter;
  events::OutputFilter filter([&](events::FilterEvent& found) {
    found.counter += offset;
    m_counter = found.counter;
    std::optional<std::string> raw = std::move(found.raw_display);
    Json event = events::build_event(found, m_config.ident, m_writer.job_events_dir());
    bool keep = true;
    if (m_handlers.on_event) {
      keep = m_handlers.on_event(event);
    }
    if (keep && m_handlers.on_event_json) {
      if (std::optional<std::string> json_text = m_handlers.on_event_json(util::python_dumps(event))) {
        m_writer.write_event_text(event, *json_text);
      }
    } else if (keep) {
      m_writer.write_event(event);
    }
    std::string shown;
    if (raw) {
      shown = std::move(*raw);
    } else {
      shown = m_config.json_mode ? util::python_dumps(event) : event.value("stdout", std::string());
      if (shown.empty() || shown == "{}") {
        return;
      }
      shown += '\n';
    }
    display(shown);
  });
  filter.feed(text);
  filter.finish();
}

} // namespace ansible_runner::api
