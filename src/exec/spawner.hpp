#pragma once
// The one place the runner forks (docs/ARCHITECTURE.md, "Processes"). Every child (the pty job,
// the subprocess-mode job, the job's group guard, the isolation probe, the engine commands of
// `worker cleanup`) is started by spawn() from a ChildSetup that says what the child does
// between fork and exec; the daemon's double fork is detach(). Between fork and exec the
// child makes only async-signal-safe calls (the runner may have threads), checks each one,
// and reports the first that fails (step and errno) on a close-on-exec pipe, so the parent
// knows whether the exec happened before spawn() returns.
#include <array>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <sys/types.h>
#include <vector>

#include "util/fd.hpp"

namespace ansible_runner::exec {

// Where a child's fd 0, 1 or 2 comes from: one of ours, or one of these.
constexpr int k_inherit = -1;  // the runner's own
constexpr int k_dev_null = -2; // /dev/null, opened for reading (0) or writing (1, 2)

struct ChildSetup {
  std::vector<std::string> argv;                // argv[0] names the program unless `program` does
  std::string program;                          // resolved through the PATH of env
  std::optional<std::vector<std::string>> env;  // KEY=VALUE; unset: the runner's environment
  std::string cwd;                              // empty: the runner's
  std::array<int, 3> stdio{k_inherit, k_inherit, k_inherit};
  std::vector<int> ignored_signals;             // every other signal is reset to its default
  bool die_with_runner = false;                 // PR_SET_PDEATHSIG SIGKILL
  bool new_session = false;                     // setsid(): its own session and process group
  // A terminal (a pty's slave path) that becomes the controlling terminal and fd 0, 1 and 2,
  // with echo off and this size. Needs new_session.
  std::string controlling_tty;
  unsigned short tty_rows = 24;
  unsigned short tty_cols = 80;
  // Passed to the child as fd 3 (close-on-exec cleared); every fd above it is closed.
  int pass_fd = -1;
  // The child waits, before anything of it runs, until the parent has called before_release
  // (used to start the job's group guard first).
  std::function<void(pid_t)> before_release;
};

// Which step of the child's set-up failed.
enum class SpawnStep { resolve, signals, session, terminal, stdio, chdir, exec };

struct SpawnFailure {
  SpawnStep step;
  int err; // errno
};

struct SpawnOutcome {
  pid_t pid = -1;                      // the running child when failure is unset
  std::optional<SpawnFailure> failure; // set: the child never ran the program (and is reaped)
};

class SpawnError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Starts the child. A child that could not run the program is reported in `failure`;
// throws SpawnError only when the runner itself cannot make a pipe or fork.
SpawnOutcome spawn(const ChildSetup& setup);

// A close-on-exec pipe for a child's stdio; throws SpawnError when none can be made.
util::Pipe make_child_pipe();

// Resolves a program name through PATH from `env` (or the runner's PATH), as `which` does.
std::optional<std::string> find_executable(const std::string& name, const std::vector<std::string>& env);

// Python's OSError text for a failed spawn, "[Errno 2] No such file or directory: 'x'".
std::string os_error_text(int err, const std::string& path);

// Detaches as a daemon does: fork, setsid, fork again. Returns true in the detached grandchild,
// false in the caller once the intermediate child has exited. Throws SpawnError when the first
// fork fails.
bool detach();

} // namespace ansible_runner::exec
