#pragma once
// run_async(): a job on its own thread, the reference's `(thread, runner) = run_async(...)`.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <ansible_runner/events.hpp>
#include <ansible_runner/options.hpp>
#include <ansible_runner/runner.hpp>

namespace ansible_runner {

namespace detail {
struct AsyncJob;
}

// A job started in the background. Move-only. All members may be called from any thread
// while the job runs; handlers are called on the job's thread.
//
// Destroying a handle whose job still runs waits for the job to end (the reference's thread
// is not a daemon either: the interpreter waits for it). Call cancel() first to end it early.
class RunHandle {
public:
  RunHandle(RunHandle&&) noexcept;
  RunHandle& operator=(RunHandle&&) noexcept;
  RunHandle(const RunHandle&) = delete;
  RunHandle& operator=(const RunHandle&) = delete;
  ~RunHandle();

  // "unstarted", "starting", "running", then the final status (the reference's Runner.status).
  std::string status() const;
  // Empty until the job has finished (and after, if it died of a foreign signal).
  std::optional<int> rc() const;
  bool finished() const;

  // Asks the job to stop: its should_cancel becomes true and the run loop, which polls it every
  // 100 ms, kills the process group; the job then ends with status "canceled", rc 254.
  // Does nothing once the job has finished.
  void cancel();

  // Blocks until the job ends and returns its result; rethrows what the job threw (e.g.
  // CallbackError). May be called more than once.
  const RunResult& wait();
  // Waits at most `timeout`; true when the job has finished.
  bool wait_for(std::chrono::milliseconds timeout) const;

  // The job's configuration and current status, as RunResult: ident, artifact_dir, command,
  // cwd, env are known from the start; status, rc and flags are those of the moment.
  RunResult snapshot() const;

  // The job's events, following the job while it runs (see events.hpp).
  EventRange events() const;
  EventRange host_events(const std::string& host) const;

  // For the library's own launchers (run_async, run_command_async, ...).
  explicit RunHandle(std::shared_ptr<detail::AsyncJob> job);

private:
  std::shared_ptr<detail::AsyncJob> m_job;
};

// Prepares the job in the caller's thread (so ConfigurationError is thrown here, as the
// reference's run_async raises before starting its thread), then runs it on a new thread.
// `handlers` are copied. Unlike the reference, no signal handlers are installed.
RunHandle run_async(const RunOptions& options, const Handlers& handlers = {});

} // namespace ansible_runner
