#pragma once
// Turns the captured output of a subprocess-mode job into events and artifact text, as the
// reference does once the process has ended (docs/execution.md 4.2): the text is decoded and its
// line ends translated (Python's universal newlines), then fed through an output filter;
// each event goes through the runners' EventDispatch, its display text to `display`.
#include <functional>
#include <string>
#include <string_view>

#include <ansible_runner/runner.hpp>

#include "api/event_dispatch.hpp"
#include "artifacts/artifact_writer.hpp"
#include "config/job_config.hpp"

namespace ansible_runner::api {

class CapturedOutput {
public:
  CapturedOutput(const config::JobConfig& config, const Handlers& handlers, artifacts::ArtifactWriter& writer)
      : m_dispatch(config.ident, config.json_mode, handlers, writer) {}

  // One captured stream, start to end. `display` receives the text for the artifact file and
  // the console. Counters continue across calls: the reference restarts them for stderr, which
  // puts two events at each counter (file names still differ by uuid).
  void feed_stream(std::string_view bytes, const std::function<void(std::string_view)>& display);

private:
  EventDispatch m_dispatch;
  long m_counter = 0;
};

// Python's text-mode newline translation: "\r\n" and a lone "\r" become "\n".
std::string translate_newlines(std::string_view text);

} // namespace ansible_runner::api
