#pragma once
// run(): the blocking entry point, mirroring the reference's ansible_runner.run().
#include <functional>
#include <optional>
#include <string>

#include <ansible_runner/json.hpp>
#include <ansible_runner/options.hpp>

namespace ansible_runner {

// What a finished (or refused) job reports; the reference's Runner.status / rc / flags.
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
};

// Runs the job to completion. Throws ConfigurationError for invalid options before any
// process starts, CallbackError when a handler throws.
RunResult run(const RunOptions& options, const Handlers& handlers = {});

// The library version, the reference's it is compatible with ("2.3.1").
const char* version();

} // namespace ansible_runner
