#pragma once
// JobRunner runs one prepared job: artifacts, spawn on a pty, the output pump with its
// timers (job timeout, idle timeout, cancel polling, ssh key hand-over), and the final status.
// One single-threaded loop owns every fd; every timer fires within one tick (100 ms).
#include <ansible_runner/runner.hpp>

#include "config/job_config.hpp"

namespace ansible_runner::api {

class JobRunner {
public:
  // `console_fd`: where the play output is echoed unless the config suppresses it.
  JobRunner(config::JobConfig config, const Handlers& handlers, int console_fd = 1);
  RunResult run();

private:
  struct Pump;

  config::JobConfig m_config;
  const Handlers& m_handlers;
  int m_console_fd;
};

} // namespace ansible_runner::api
