// `worker` and `worker cleanup` (docs/cli.md, worker).
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <memory>
#include <optional>
#include <unistd.h>

// GCC 12 at -O2 reports a false "potential null pointer dereference" in CLI11's detail::split
// (a vector<string> reallocation) for this file; silence it for the CLI11 header only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop

#include <ansible_runner/errors.hpp>
#include <ansible_runner/streaming.hpp>
#include <ansible_runner/worker_admin.hpp>

#include "cli/commands.hpp"
#include "stream/limits_from_environment.hpp"
#include "util/excerpt.hpp"
#include "util/fd.hpp"
#include "util/python_float.hpp"
#include "util/timer_value.hpp"

namespace ansible_runner::cli {
namespace {

struct WorkerArgs {
  std::optional<std::string> private_data_dir;
  bool worker_info = false;
  bool delete_dir = false;
  std::optional<int> keepalive_seconds;
  bool version = false;
  CleanupOptions cleanup;
};


// --keepalive-seconds, else ANSIBLE_RUNNER_KEEPALIVE_SECONDS (a float), else off.
double keepalive_seconds(const WorkerArgs& args) {
  if (args.keepalive_seconds) {
    return util::checked_timer_seconds(*args.keepalive_seconds, "--keepalive-seconds");
  }
  const char* env = std::getenv("ANSIBLE_RUNNER_KEEPALIVE_SECONDS");
  if (!env || !*env) {
    return 0;
  }
  // A float, as upstream reads it; text that is not one is refused (upstream dies with a
  // ValueError). What each value means: stream::keepalive_interval().
  std::optional<double> value = util::python_float(env);
  if (!value) {
    throw ConfigurationError("ANSIBLE_RUNNER_KEEPALIVE_SECONDS: expected a number of seconds, got " +
                             util::quoted_excerpt(env));
  }
  return util::checked_timer_seconds(*value, "ANSIBLE_RUNNER_KEEPALIVE_SECONDS");
}

// In worker mode stdout is the protocol and Receptor merges stderr into it: keep a private
// copy of stdout for the protocol and point fds 1 and 2 at /dev/null, so nothing else (a
// library warning, a child that inherited them) can corrupt the stream.
int isolate_protocol_fd() {
  int proto = ::fcntl(1, F_DUPFD_CLOEXEC, 3);
  if (proto < 0) {
    return 1;
  }
  util::UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (null) {
    ::dup2(null.get(), 1);
    ::dup2(null.get(), 2);
  }
  return proto;
}

int run_worker(const WorkerArgs& args, const GlobalOptions& global) {
  if (args.worker_info) {
    std::string text = worker_info() + "\n";
    return util::write_all(1, text) ? 0 : 1;
  }
  WorkerOptions options;
  options.private_data_dir = args.private_data_dir;
  options.delete_private_data_dir = args.delete_dir && args.private_data_dir;
  options.keepalive_seconds = keepalive_seconds(args);
  options.limits = stream::unpack_limits_from_environment();
  options.line_limits = stream::line_limits_from_environment();
  // A vanished reader must surface as EPIPE from write(), not kill the worker mid-job.
  ::signal(SIGPIPE, SIG_IGN);
  const std::function<bool()>& should_cancel = global.cancel_requested; // main's SIGINT/SIGTERM flag
  int proto = isolate_protocol_fd();
  RunResult result = worker(0, proto, options, should_cancel);
  return worker_exit_code(result);
}

} // namespace

Action add_worker_command(CLI::App& app, GlobalOptions& global, DeferredOptions&) {
  auto args = std::make_shared<WorkerArgs>();
  CLI::App* worker = app.add_subcommand("worker", "Execute work streamed from a controlling instance");
  worker->add_option("--private-data-dir", args->private_data_dir,
                     "base directory containing the ansible-runner metadata (project, inventory, env, etc)");
  worker->add_flag("--worker-info", args->worker_info,
                   "show the execution node's Ansible Runner version along with its memory and CPU capacities");
  worker->add_flag("--delete", args->delete_dir,
                   "Delete existing folder (and everything in it) in the location specified by "
                   "--private-data-dir. The directory will be re-populated when the streamed data is "
                   "unpacked. Using this will also assure that the directory is deleted when the job finishes.");
  worker->add_option("--keepalive-seconds", args->keepalive_seconds,
                     "Emit a keepalive line after this many seconds without output "
                     "(default: $ANSIBLE_RUNNER_KEEPALIVE_SECONDS, else off)");
  worker->add_flag("--version", args->version, "show program's version number and exit");
  worker->add_flag("--debug", global.debug, "enable ansible-runner debug output logging (default=False)");
  worker->add_option("--logfile", global.logfile, "log output messages to a file (default=None)");

  CLI::App* cleanup = worker->add_subcommand(
      "cleanup", "Cleanup private_data_dir patterns from prior jobs and supporting temporary folders.");
  CleanupOptions& c = args->cleanup;
  cleanup->add_option("--file-pattern", c.file_pattern,
                      "A file glob pattern to find private_data_dir folders to remove. "
                      "Example: --file-pattern=/tmp/.ansible-runner-*");
  cleanup->add_option("--exclude-strings", c.exclude_strings,
                      "A comma separated list of keywords in directory name or path to avoid deleting.")
      ->expected(0, CLI::detail::expected_max_vector_size);
  cleanup->add_option("--remove-images", c.remove_images,
                      "A comma separated list of podman or docker tags to delete. This may not remove the "
                      "corresponding layers, use the image-prune option to assure full deletion. "
                      "Example: --remove-images=quay.io/user/image:devel quay.io/user/builder:latest")
      ->expected(0, CLI::detail::expected_max_vector_size);
  cleanup->add_option("--grace-period", c.grace_period_minutes,
                      "Time (in minutes) after last modification to exclude a folder from deletion for. "
                      "This is to avoid deleting folders that were recently created, or folders not started "
                      "via the start command. Value of 0 indicates that no folders will be excluded based on "
                      "modified time.")
      ->check(CLI::NonNegativeNumber); // a negative one would spare nothing, not even running jobs' dirs
  cleanup->add_flag("--image-prune", c.image_prune,
                    "If specified, will run docker / podman image prune --force. This will only run after untagging.");
  cleanup->add_option("--process-isolation-executable", c.process_isolation_executable,
                      "The container image to clean up images for (default=podman)");
  worker->require_subcommand(0, 1);

  return [args, cleanup, &global]() -> int {
    if (cleanup->parsed()) {
      return worker_cleanup(args->cleanup);
    }
    return run_worker(*args, global);
  };
}

} // namespace ansible_runner::cli
