#pragma once
// SubprocessRunner runs one prepared job in the reference's "subprocess" mode (docs/execution.md
// 4.2): plain pipes, the output turned into events after the process has ended, the same
// artifacts and status sequence as JobRunner. Used by run_command and the command helpers.
#include <optional>

#include <ansible_runner/runner.hpp>

#include "config/job_config.hpp"

namespace ansible_runner::api {

struct SubprocessOptions {
  std::optional<double> timeout; // seconds: then rc 254, status "timeout"
  std::optional<int> input_fd;   // the child's stdin (else ours)
  std::optional<int> output_fd;  // the child's stdout (else captured into the stdout artifact)
  std::optional<int> error_fd;   // the child's stderr (else captured into the stderr artifact)
};

class SubprocessRunner {
public:
  // `console_fd`: where the output is echoed unless the config suppresses it.
  SubprocessRunner(config::JobConfig config, SubprocessOptions options, const Handlers& handlers,
                   int console_fd = 1);

  // Status starting -> running -> final; rc is the exit code, minus the signal number for a
  // child killed by a signal (Python's returncode), 254 on timeout, cancel or a failed start
  // (whose error text becomes the stderr output, as the reference's traceback does).
  // should_cancel is polled every 100 ms (the reference does not poll it in this mode).
  RunResult run();

private:
  config::JobConfig m_config;
  SubprocessOptions m_options;
  const Handlers& m_handlers;
  int m_console_fd;
};

} // namespace ansible_runner::api
