#pragma once
// run(): the blocking entry point, mirroring the reference's ansible_runner.run().
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ansible_runner/events.hpp>
#include <ansible_runner/json.hpp>
#include <ansible_runner/options.hpp>

namespace ansible_runner {

// What a finished (or refused) job reports: the reference's Runner object after run(). The
// fields are its status / rc / flags and the parts of Runner.config a caller reads (ident,
// artifact_dir, command, cwd, env, fact cache); the member functions read the artifact dir.
struct RunResult {
  std::string status = "unstarted"; // successful, failed, timeout, canceled (error: streams only)
  std::optional<int> rc;             // empty: not finished, or the child died of a foreign signal
  bool canceled = false;
  bool timed_out = false;
  bool errored = false;
  std::string ident;
  std::string artifact_dir;
  std::vector<std::string> command;
  std::string cwd;
  Json env = Json::object();
  std::string private_data_dir;
  std::string fact_cache_type = "jsonfile";
  std::optional<std::string> fact_cache_dir; // unset: <artifact_dir>/fact_cache

  // The events of job_events/, read lazily in counter order (see events.hpp).
  EventRange events() const;
  // Events whose event_data.host equals `host`.
  EventRange host_events(const std::string& host) const;
  // The playbook_on_stats summary in the reference's shape, nullopt without one. Reads the
  // event files again on every call, as the reference does.
  std::optional<Json> stats() const;

  // <artifact_dir>/stdout and /stderr. open_*() give a new stream on each call and throw
  // Error("stdout missing") / ("stderr missing") when the file does not exist (e.g. with the
  // suppress_output_file setting), as the reference's properties do.
  std::string stdout_path() const;
  std::string stderr_path() const;
  std::ifstream open_stdout() const;
  std::ifstream open_stderr() const;

  // The jsonfile fact cache of `host`: the parsed <fact cache>/<host>, {} when absent.
  // Both throw Error unless fact_cache_type is "jsonfile" (the reference's message).
  Json get_fact_cache(const std::string& host) const;
  // Writes `data` as JSON to <fact cache>/<host>, creating the dir (0700).
  void set_fact_cache(const std::string& host, const Json& data) const;
};

// The reference's five handlers. Any may be empty.
struct Handlers {
  // Each merged event before it is written. Return false to not write job_events/<n>-<uuid>.json.
  std::function<bool(const Json& event)> on_event;
  // Each status change; "starting" carries command, env and cwd.
  std::function<void(const Json& status)> on_status;
  // Once, after the status and rc files are written.
  std::function<void(const std::string& artifact_dir)> on_artifacts;
  // Once, last.
  std::function<void(const RunResult& result)> on_finished;
  // Polled while the job runs; true cancels it.
  std::function<bool()> should_cancel;

  // For language bindings, which parse events with their own JSON reader (keeping big integers
  // and lone surrogates exact) and let their handler change the event: called after on_event
  // with the event as the job_events file would hold it (json.dumps form); returns the text to
  // write instead, or nullopt to write no file.
  std::function<std::optional<std::string>(const std::string& event_json)> on_event_json;
  // Where the job's console output (the play output of run() without quiet, the event stdout
  // process prints) goes instead of the console fd: a binding's own stdout object.
  std::function<void(std::string_view text)> on_console;

  bool wants_events() const { return static_cast<bool>(on_event) || static_cast<bool>(on_event_json); }
};

// Runs the job to completion. Throws ConfigurationError for invalid options before any
// process starts, CallbackError when a handler throws.
RunResult run(const RunOptions& options, const Handlers& handlers = {});

// The library version, the reference's it is compatible with ("2.3.1").
const char* version();

} // namespace ansible_runner
