#pragma once
// Each subcommand registers itself on the CLI11 app and returns the action to run when it was
// selected. main.cpp only wires them together and maps errors to exit codes.
#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/deferred_options.hpp"

namespace ansible_runner::cli {

// Options of the top level that subcommands without their own copy inherit (docs/cli.md 1:
// `ansible-runner -q process <pdd>` is the only CLI way to silence process).
struct GlobalOptions {
  bool quiet = false;
  bool debug = false;
  std::string logfile;
  // True once SIGINT/SIGTERM arrived; set by main. Long-running subcommands (worker) poll it to
  // cancel their job. When main leaves it empty, the worker installs its own handlers.
  std::function<bool()> cancel_requested;
};

using Action = std::function<int()>;

// Each declares its subcommand on `app`; options it can leave until the subcommand is selected
// go to `deferred`.
Action add_run_commands(CLI::App& app, GlobalOptions& global, DeferredOptions& deferred); // run, start, stop, is-alive
Action add_transmit_command(CLI::App& app, GlobalOptions& global, DeferredOptions& deferred);
Action add_worker_command(CLI::App& app, GlobalOptions& global, DeferredOptions& deferred); // worker, worker cleanup
Action add_process_command(CLI::App& app, GlobalOptions& global, DeferredOptions& deferred);

} // namespace ansible_runner::cli
