#include "api/captured_output.hpp"

#include "events/output_filter.hpp"
#include "events/utf8_decoder.hpp"

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
  const EventDispatch::Show show = display;
  events::OutputFilter filter([&](events::FilterEvent& found) {
    found.counter += offset;
    m_counter = found.counter;
    m_dispatch.dispatch(found, show);
  });
  filter.feed(text);
  filter.finish();
}

} // namespace ansible_runner::api
