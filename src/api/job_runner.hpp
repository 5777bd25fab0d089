#pragma once
// JobRunner runs one prepared job: artifacts, spawn on a pty, the output pump with its
// timers (job timeout, idle timeout, cancel polling, ssh key hand-over), and the final status.
// The job runs in one exec::EventLoop on the calling thread; every timer fires within one tick
// (100 ms).
#include <chrono>
#include <functional>

#include <ansible_runner/runner.hpp>

#include "api/ssh_key_handover.hpp"
#include "config/job_config.hpp"
#include "exec/pty_child.hpp"

namespace ansible_runner::api {

class JobRunner {
public:
  // `console_fd`: where the play output is echoed unless the config suppresses it.
  JobRunner(config::JobConfig config, const Handlers& handlers, int console_fd = 1);
  RunResult run();

  // Called on every turn of the job's loop (at least once a tick) while the job runs: the
  // worker's keepalives ride on it, so they need no thread of their own.
  void on_tick(std::function<void()> tick) { m_on_tick = std::move(tick); }

  // The clock the job and idle timeouts, the drain and the flushes are measured on; tests pass a
  // faster one. Default: steady_clock.
  void use_clock(std::function<std::chrono::steady_clock::time_point()> clock) { m_clock = std::move(clock); }

private:
  struct Pump;

  void drive(exec::PtyChild& child, Pump& pump, SshKeyHandover& ssh_key, RunResult& result,
             std::optional<exec::ExitStatus>& exit_status);

  config::JobConfig m_config;
  const Handlers& m_handlers;
  int m_console_fd;
  std::function<void()> m_on_tick;
  std::function<std::chrono::steady_clock::time_point()> m_clock = &std::chrono::steady_clock::now;
};

// What run() does before it starts a JobRunner: the API's dump step, then config::prepare().
config::JobConfig prepare_run(const RunOptions& options);

} // namespace ansible_runner::api
