#pragma once
// What becomes of each event the output filter finds, the same for both runners (the pty job
// and subprocess mode's captured output): the final event (docs/artifacts-and-events.md 3.4),
// the event handlers, the job_events/ file, and the text shown in the stdout artifact and on
// the console. Our callback's events, when no handler needs a JSON tree, are spliced from the
// frame's text; events too large for memory are written and shown in pieces.
#include <functional>
#include <string>
#include <string_view>

#include <ansible_runner/runner.hpp>

#include "artifacts/artifact_writer.hpp"
#include "events/output_filter.hpp"

namespace ansible_runner::api {

class EventDispatch {
public:
  // `show` receives the event's display text, in one or more pieces.
  using Show = std::function<void(std::string_view)>;

  EventDispatch(std::string ident, bool json_mode, const Handlers& handlers, artifacts::ArtifactWriter& writer)
      : m_ident(std::move(ident)), m_json_mode(json_mode), m_handlers(handlers), m_writer(writer) {}

  void dispatch(events::FilterEvent& found, const Show& show);

private:
  bool dispatch_spliced(events::FilterEvent& found, const Show& show);
  void dispatch_large(events::FilterEvent& found, const Show& show);

  std::string m_ident;
  bool m_json_mode;
  const Handlers& m_handlers;
  artifacts::ArtifactWriter& m_writer;
  std::string m_spliced; // scratch
  std::string m_uuid;    // scratch
};

} // namespace ansible_runner::api
