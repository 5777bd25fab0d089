#pragma once
// The whole public API in one include:
//   runner.hpp       run(), RunOptions, Handlers, RunResult (status, rc, events, stats, facts)
//   run_handle.hpp   run_async() and RunHandle (status, rc, wait, cancel, live events)
//   commands.hpp     run_command() and the ansible-doc/-inventory/-config helpers
//   events.hpp       EventRange: job_events/ read lazily in counter order
//   streaming.hpp    transmit / worker / process on fds or C++ streams
//   worker_admin.hpp worker --worker-info and cleanup
//   errors.hpp       Error, ConfigurationError, CallbackError
#include <ansible_runner/commands.hpp>
#include <ansible_runner/errors.hpp>
#include <ansible_runner/events.hpp>
#include <ansible_runner/json.hpp>
#include <ansible_runner/options.hpp>
#include <ansible_runner/run_handle.hpp>
#include <ansible_runner/runner.hpp>
#include <ansible_runner/streaming.hpp>
#include <ansible_runner/worker_admin.hpp>
