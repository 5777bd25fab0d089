// `process <pdd>` (docs/cli.md, process).
#include <csignal>
#include <memory>
#include <optional>

#include <ansible_runner/streaming.hpp>

#include "cli/commands.hpp"
#include "cli/daemon_log.hpp"
#include "stream/limits_from_environment.hpp"
#include "util/fs.hpp"
#include "util/pypath.hpp"
#include "util/temp_dir.hpp"

namespace ansible_runner::cli {
namespace {

struct ProcessArgs {
  std::string private_data_dir;
  std::optional<std::string> ident;
  bool version = false;
};

} // namespace

Action add_process_command(CLI::App& app, GlobalOptions& global, DeferredOptions&) {
  auto args = std::make_shared<ProcessArgs>();
  CLI::App* process_app =
      app.add_subcommand("process", "Receive the output of remote ansible-runner work and distribute the results");
  process_app->add_option("private_data_dir", args->private_data_dir,
                          "base directory containing the ansible-runner metadata (project, inventory, env, etc)")
      ->required();
  process_app->add_option("-i,--ident", args->ident,
                          "An identifier to use as a subdirectory when saving artifacts. Generally intended to "
                          "match the --ident passed to the transmit command.");
  process_app->add_flag("--version", args->version, "show program's version number and exit");
  process_app->add_flag("--debug", global.debug, "enable ansible-runner debug output logging (default=False)");
  process_app->add_option("--logfile", global.logfile, "log output messages to a file (default=None)");

  return [args, &global]() -> int {
    UnpackLimits limits = stream::unpack_limits_from_environment(); // before anything is created
    LineLimits line_limits = stream::line_limits_from_environment();
    // The CLI creates the dir (0700) and an empty daemon.log like the reference; artifacts go
    // below it. An empty dir argument means a fresh temp dir there too (it is kept).
    std::string pdd = args->private_data_dir.empty() ? util::make_temp_dir("tmp")
                                                     : util::py_abspath(args->private_data_dir);
    util::make_dirs(pdd, 0700);
    create_daemon_log(pdd);
    ProcessOptions options;
    options.private_data_dir = pdd;
    options.ident = args->ident;
    options.limits = limits;
    options.line_limits = line_limits;
    options.quiet = global.quiet; // only the top-level -q reaches process (docs/cli.md 1)
    ::signal(SIGPIPE, SIG_IGN);   // `process ... | head` must not kill the artifact writing
    RunResult result = process(0, options);
    // The reference always exits 0; ours says how the job ended.
    return process_exit_code(result);
  };
}

} // namespace ansible_runner::cli
