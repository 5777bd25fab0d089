// run, start, stop, is-alive (docs/cli.md 2).
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <ansible_runner/errors.hpp>
#include <ansible_runner/runner.hpp>

#include "cli/commands.hpp"
#include "cli/daemon_log.hpp"
#include "cli/job_flags.hpp"
#include "cli/signals.hpp"
#include "config/isolation_probe.hpp"
#include "exec/spawner.hpp"
#include "util/fs.hpp"
#include "util/ids.hpp"
#include "util/pypath.hpp"

namespace ansible_runner::cli {

namespace {

struct RunCommands {
  CLI::App* run = nullptr;
  CLI::App* start = nullptr;
  CLI::App* stop = nullptr;
  CLI::App* is_alive = nullptr;
  JobFlags run_flags, start_flags, stop_flags, is_alive_flags;
};

std::string pid_file(const JobFlags& flags) { return util::path_join(util::py_abspath(flags.private_data_dir), "pid"); }

// The CLI creates the private data dir (0700, parents too) for every subcommand, and
// daemon.log (empty) for all but run/transmit/worker.
void prepare_private_data_dir(const JobFlags& flags, bool with_daemon_log) {
  std::string pdd = util::py_abspath(flags.private_data_dir);
  util::make_dirs(pdd, 0700);
  if (with_daemon_log) {
    create_daemon_log(pdd);
  }
}

// Exit status of `run`: Ansible's rc. A child killed by a signal the runner did not send has
// no rc; the reference then exits 0, which hides the failure, so we exit 1.
int exit_code_of(const RunResult& result) {
  if (result.rc) {
    return *result.rc & 0xFF;
  }
  return 1;
}

// Runs the job in this process; the shared part of run and start.
int run_job(const JobFlags& flags) {
  std::optional<RolePlaybook> role_playbook;
  auto role = flags.role.get();
  if (role && !role->empty()) {
    role_playbook = write_role_playbook(flags);
  }
  // Removes the generated playbook however the job ends, as the reference's role_manager.
  auto cleanup = [&]() {
    if (role_playbook) {
      remove_role_playbook(*role_playbook);
    }
  };
  try {
    // Without --ident: a fresh uuid4, made here rather than when the parser is built as the
    // reference does (only its value is seen, and --version needs no random_device).
    RunOptions options = run_options_from_flags(flags, util::uuid4(), role_playbook);
    if (options.process_isolation) {
      std::string exe = options.process_isolation_executable.value_or("podman");
      if (!config::isolation_executable_available(exe)) {
        // The reference prints this on stdout and exits 1.
        std::cout << config::isolation_executable_missing_message(exe) << std::endl;
        cleanup();
        return 1;
      }
    }
    Handlers handlers;
    handlers.should_cancel = [] { return cancel_requested(); };
    RunResult result = ansible_runner::run(options, handlers);
    cleanup();
    return exit_code_of(result);
  } catch (...) {
    cleanup();
    throw;
  }
}

// `run`, `start`, `stop` and `is-alive`: the subcommands that act on one job of a private data dir.
int run_job_command(const RunCommands& c) {
  const JobFlags& flags = c.run_flags;
  if (auto message = validate_job_flags(flags)) {
    std::cerr << *message << std::endl;
    return 1;
  }
  prepare_private_data_dir(flags, false);
  return run_job(flags);
}

std::optional<pid_t> read_pid(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return std::nullopt;
  }
  std::string line;
  std::getline(in, line);
  try {
    size_t used = 0;
    long pid = std::stol(line, &used);
    if (line.find_first_not_of(" \t\r\n", used) != std::string::npos || pid <= 0) {
      return std::nullopt;
    }
    return static_cast<pid_t>(pid);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

bool process_alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

// Daemonises (double fork, new session, stdio on /dev/null, cwd /) and runs the job. The
// parent returns 0 at once, as python-daemon's does. Relative paths are made absolute first,
// unlike the reference, which resolves them against '/' after the chdir.
int start_command(RunCommands& c) {
  JobFlags& flags = c.start_flags;
  if (auto message = validate_job_flags(flags)) {
    std::cerr << *message << std::endl;
    return 1;
  }
  prepare_private_data_dir(flags, true);
  flags.private_data_dir = util::py_abspath(flags.private_data_dir);
  for (StringFlag* path : {&flags.artifact_dir, &flags.project_dir, &flags.inventory, &flags.directory_isolation_base_path}) {
    if (path->option && path->option->count() > 0 && !path->value.empty()) {
      path->value = util::py_abspath(path->value);
    }
  }
  std::string pidfile = pid_file(flags);
  // The reference's daemon waits forever for a pid file that is in the way; we refuse a live
  // one and replace a stale one.
  if (auto pid = read_pid(pidfile); pid && process_alive(*pid)) {
    std::cerr << "ansible-runner is already running in " << flags.private_data_dir << " (pid " << *pid << ")"
              << std::endl;
    return 1;
  }
  std::cout.flush();
  if (!exec::detach()) {
    return 0;
  }
  // The daemon.
  if (::chdir("/") != 0) {
    ::_exit(1);
  }
  int devnull = ::open("/dev/null", O_RDWR);
  if (devnull >= 0) {
    ::dup2(devnull, 0);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    if (devnull > 2) {
      ::close(devnull);
    }
  }
  std::string log = util::path_join(flags.private_data_dir, "daemon.log");
  int code = 1;
  try {
    util::write_file(pidfile, std::to_string(::getpid()) + "\n", 0644);
    code = run_job(flags);
  } catch (const std::exception& e) {
    // Errors of the detached job go to daemon.log (truncated), as in the reference.
    try {
      util::write_file(log, std::string(e.what()) + "\n", 0600);
    } catch (...) {
    }
  }
  if (read_pid(pidfile) == ::getpid()) {
    ::unlink(pidfile.c_str());
  }
  std::cout.flush();
  ::_exit(code);
}

// The process groups of the daemon's children: the Ansible process runs in its own session
// (its pty), so killing only the daemon's group, as the reference does, leaves it running.
std::vector<pid_t> child_process_groups(pid_t pid) {
  std::vector<pid_t> groups;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream children(task.path() / "children");
    pid_t child = 0;
    while (children >> child) {
      pid_t group = ::getpgid(child);
      if (group > 0) {
        groups.push_back(group);
      }
    }
  }
  return groups;
}

// stop: asks the daemon to cancel (SIGTERM: the job is killed and recorded as canceled), then
// after a grace period kills what is left, the Ansible process groups included.
int stop_command(const RunCommands& c) {
  const JobFlags& flags = c.stop_flags;
  prepare_private_data_dir(flags, true);
  std::string pidfile = pid_file(flags);
  auto pid = read_pid(pidfile);
  if (!pid) {
    return 1;
  }
  if (process_alive(*pid)) {
    ::kill(*pid, SIGTERM);
    for (int i = 0; i < 150 && process_alive(*pid); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (process_alive(*pid)) {
      for (pid_t group : child_process_groups(*pid)) {
        ::killpg(group, SIGKILL);
      }
      pid_t group = ::getpgid(*pid);
      if (group > 0) {
        ::killpg(group, SIGKILL);
      }
    }
  }
  ::unlink(pidfile.c_str());
  return 0;
}

int is_alive_command(const RunCommands& c) {
  const JobFlags& flags = c.is_alive_flags;
  prepare_private_data_dir(flags, true);
  auto pid = read_pid(pid_file(flags));
  return pid && ::kill(*pid, 0) == 0 ? 0 : 1;
}

} // namespace

Action add_run_commands(CLI::App& app, GlobalOptions&, DeferredOptions& deferred) {
  auto commands = std::make_shared<RunCommands>();
  commands->run = app.add_subcommand("run", "Run ansible-runner in the foreground");
  deferred.defer(commands->run, [commands](CLI::App& sub) { add_job_flags(sub, commands->run_flags, true); });
  commands->start = app.add_subcommand("start", "Start an ansible-runner process in the background");
  deferred.defer(commands->start, [commands](CLI::App& sub) { add_job_flags(sub, commands->start_flags, true); });
  commands->stop = app.add_subcommand("stop", "Stop an ansible-runner process that's running in the background");
  deferred.defer(commands->stop, [commands](CLI::App& sub) { add_job_flags(sub, commands->stop_flags, false); });
  commands->is_alive = app.add_subcommand("is-alive", "Check if an ansible-runner process in the background is still running.");
  deferred.defer(commands->is_alive, [commands](CLI::App& sub) { add_job_flags(sub, commands->is_alive_flags, false); });
  return [commands]() -> int {
    if (commands->run->parsed()) {
      return run_job_command(*commands);
    }
    if (commands->start->parsed()) {
      return start_command(*commands);
    }
    if (commands->stop->parsed()) {
      return stop_command(*commands);
    }
    return is_alive_command(*commands);
  };
}

} // namespace ansible_runner::cli
