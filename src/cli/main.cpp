// ansible-runner: wires the subcommands together, parses like the reference's argparse, and
// maps errors to exit codes (one line on stderr, status 1; usage errors status 2).
#include <iostream>
#include <map>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

#include "cli/argparse_compat.hpp"
#include "cli/commands.hpp"
#include "cli/job_flags.hpp"
#include "cli/signals.hpp"
#include "util/debug_log.hpp"
#include "util/fd.hpp"

namespace {

constexpr const char* k_prog = "ansible-runner";

// argparse gives every first-level subcommand --version, --debug and --logfile; add the ones
// a subcommand did not declare itself.
void add_generic_flags(CLI::App& sub, ansible_runner::cli::GlobalOptions& global) {
  if (!sub.get_option_no_throw("--version")) {
    sub.add_flag("--version")->description("show the program's version number and exit");
  }
  if (!sub.get_option_no_throw("--debug")) {
    sub.add_flag("--debug", global.debug, "enable debug output logging");
  }
  if (!sub.get_option_no_throw("--logfile")) {
    sub.add_option("--logfile", global.logfile, "log output messages to a file");
  }
}

// --debug/--logfile of the selected first-level subcommand (argparse: a subcommand's own
// copy wins over the top level's). Messages go to stdout as in the reference, except where
// stdout is a stream, which the reference's messages corrupt: transmit prints them on stderr;
// the worker only into --logfile (Receptor merges a worker's stderr into its stream, so the
// worker points both at /dev/null).
void configure_debug_log(const CLI::App& sub) {
  const CLI::Option* debug = sub.get_option_no_throw("--debug");
  const CLI::Option* logfile = sub.get_option_no_throw("--logfile");
  bool enabled = debug != nullptr && debug->count() > 0;
  std::string path = logfile != nullptr && logfile->count() > 0 ? logfile->results().back() : "";
  int console = sub.get_name() == "worker" ? -1 : sub.get_name() == "transmit" ? STDERR_FILENO : STDOUT_FILENO;
  ansible_runner::util::debug_log::configure(enabled, console, path);
  ansible_runner::util::debug_log::line("starting debug logging");
}

} // namespace

int main(int argc, char** argv) {
  using namespace ansible_runner;
  if (!util::reserve_standard_fds()) {
    return 1; // nowhere to say why: not even /dev/null could be opened
  }
  cli::install_cancel_handlers();

  CLI::App app{"Use 'ansible-runner' (with no arguments) to see basic usage", k_prog};
  cli::GlobalOptions global;
  global.cancel_requested = [] { return cli::cancel_requested(); };
  // The top level's generic and runner groups. Subcommands that declare the same options
  // override them (argparse semantics); only -q reaches `process`, which has no -q.
  bool top_debug = false;
  std::string top_logfile;
  cli::JobFlags top;
  app.add_flag("--version")->description("show the program's version number and exit");
  app.add_flag("--debug", top_debug, "enable debug output logging");
  app.add_option("--logfile", top_logfile, "log output messages to a file");
  cli::add_runner_group(app, top);

  std::map<std::string, cli::Action> actions;
  cli::DeferredOptions deferred;
  cli::Action run_commands = cli::add_run_commands(app, global, deferred);
  for (const char* name : {"run", "start", "stop", "is-alive"}) {
    actions[name] = run_commands;
  }
  actions["transmit"] = cli::add_transmit_command(app, global, deferred);
  actions["worker"] = cli::add_worker_command(app, global, deferred);
  actions["process"] = cli::add_process_command(app, global, deferred);
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    // After the subcommand's own options, deferred or not: only those it lacks are added.
    deferred.defer(sub, [&global](CLI::App& self) { add_generic_flags(self, global); });
  }

  std::vector<std::string> args(argv + 1, argv + argc);
  cli::ParseOutcome outcome;
  try {
    outcome = cli::parse_like_argparse(app, k_prog, args, &deferred);
  } catch (const cli::UsageError& e) {
    if (e.common_usage) {
      std::cout << cli::common_usage_text() << std::flush;
    }
    std::cerr << e.usage << e.prog << ": error: " << e.message << std::endl;
    return 2;
  }
  if (outcome.kind != cli::ParseOutcome::Kind::parsed) {
    std::cout << outcome.text << std::flush;
    return 0;
  }
  global.quiet = top.quiet;

  try {
    configure_debug_log(*outcome.chain.front());
    return actions.at(outcome.chain.front()->get_name())();
  } catch (const Error& e) {
    std::cerr << e.what() << std::endl;
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "ansible-runner: " << e.what() << std::endl;
    return 1;
  }
}
