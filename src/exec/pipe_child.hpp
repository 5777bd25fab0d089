#pragma once
// A child on plain pipes, the reference's "subprocess" runner mode (docs/execution.md 4.2):
// stdin inherited or given, stdout and stderr each captured separately or sent to given fds,
// no terminal. The whole output is handed back when the child has ended; nothing here knows
// the event format.
//
// Like the reference's subprocess.run(), the child stays in our process group (it may read
// from our terminal) and a timeout kills the child alone, with SIGKILL.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "exec/pty_child.hpp"

namespace ansible_runner::exec {

struct PipeSpawnSpec {
  std::vector<std::string> argv; // argv[0] is resolved through the PATH of `env`
  std::vector<std::string> env;  // KEY=VALUE
  std::string cwd;               // empty: ours
  int stdin_fd = -1;             // -1: inherit ours
  int stdout_fd = -1;            // -1: captured
  int stderr_fd = -1;            // -1: captured
};

struct PipeLimits {
  std::optional<double> timeout;       // seconds; unset or <= 0: none
  std::function<bool()> should_cancel; // polled every tick
  std::function<void()> on_tick;       // called every tick while the child runs
  // The clock the timeout and the drain are measured on (tests pass a faster one); unset: steady_clock.
  std::function<std::chrono::steady_clock::time_point()> clock;
};

struct PipeOutcome {
  std::string out;    // captured stdout bytes
  std::string err;    // captured stderr bytes
  ExitStatus status;  // how the child ended (after our SIGKILL, the signal)
  bool timed_out = false;
  bool canceled = false;
};

// Starts the child and waits for it in an EventLoop, reading both pipes as it goes (so it never
// blocks on a full pipe), checking the timeout and should_cancel every tick (100 ms) and killing the
// child when either fires. After the child has ended, output still in the pipes is read until
// EOF, or until 2 s pass without any (a grandchild may hold them open).
// Throws SpawnError when the child cannot be started; its message names the cause as Python's
// OSError does, e.g. "[Errno 2] No such file or directory: 'x'".
// A should_cancel that throws kills the child before the exception propagates.
PipeOutcome run_piped(const PipeSpawnSpec& spec, const PipeLimits& limits);

} // namespace ansible_runner::exec
