#include "exec/spawner.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "util/fd.hpp"

extern char** environ;

namespace ansible_runner::exec {
namespace {

// Everything the child needs, made before fork: after it only async-signal-safe calls run.
struct ChildPlan {
  pid_t parent;
  const char* path;
  char* const* argv;
  char* const* envp;
  const char* cwd;
  const int* stdio;
  const int* ignored_signals;
  size_t ignored_count;
  bool die_with_runner;
  bool new_session;
  const char* tty;
  winsize tty_size;
  int pass_fd;
  int gate_fd;  // -1: no gate
  int gate_write_fd; // the parent's end, closed here so that the gate sees end of file
  int error_fd; // close-on-exec: end of file tells the parent the exec happened
};

[[noreturn]] void fail(int error_fd, SpawnStep step) {
  SpawnFailure failure{step, errno};
  (void)!write(error_fd, &failure, sizeof failure);
  _exit(127);
}

void reset_signals(const ChildPlan& plan) {
  sigset_t none;
  sigemptyset(&none);
  if (sigprocmask(SIG_SETMASK, &none, nullptr) != 0) {
    fail(plan.error_fd, SpawnStep::signals);
  }
  for (int sig = 1; sig < NSIG; ++sig) {
    signal(sig, SIG_DFL); // fails only for SIGKILL, SIGSTOP and the C library's own: nothing to undo
  }
  for (size_t i = 0; i < plan.ignored_count; ++i) {
    if (signal(plan.ignored_signals[i], SIG_IGN) == SIG_ERR) {
      fail(plan.error_fd, SpawnStep::signals);
    }
  }
}

// Opens the terminal as a session leader's first terminal (so it becomes the controlling one),
// echo off, and puts it on 0, 1 and 2.
void attach_terminal(const ChildPlan& plan) {
  int tty = open(plan.tty, O_RDWR);
  if (tty < 0 || ioctl(tty, TIOCSCTTY, 0) != 0) {
    fail(plan.error_fd, SpawnStep::terminal);
  }
  termios tio{};
  if (tcgetattr(tty, &tio) != 0) {
    fail(plan.error_fd, SpawnStep::terminal);
  }
  tio.c_lflag &= static_cast<tcflag_t>(~(ECHO | ECHOE | ECHOK | ECHONL));
  if (tcsetattr(tty, TCSANOW, &tio) != 0 || ioctl(tty, TIOCSWINSZ, &plan.tty_size) != 0) {
    fail(plan.error_fd, SpawnStep::terminal);
  }
  for (int i = 0; i < 3; ++i) {
    if (dup2(tty, i) < 0) {
      fail(plan.error_fd, SpawnStep::stdio);
    }
  }
  if (tty > 2) {
    close(tty);
  }
}

// Every source is first copied above 2 (close-on-exec), so that a source numbered 0-2 is not
// overwritten by an earlier dup2; the copies at 0-2 are inherited.
void attach_stdio(const ChildPlan& plan) {
  int moved[3];
  for (int i = 0; i < 3; ++i) {
    int source = plan.stdio[i];
    if (source == k_dev_null) {
      source = open("/dev/null", (i == 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC);
      if (source < 0) {
        fail(plan.error_fd, SpawnStep::stdio);
      }
    }
    moved[i] = source >= 0 ? fcntl(source, F_DUPFD_CLOEXEC, 3) : -1;
    if (source >= 0 && moved[i] < 0) {
      fail(plan.error_fd, SpawnStep::stdio);
    }
  }
  for (int i = 0; i < 3; ++i) {
    if (moved[i] >= 0 && dup2(moved[i], i) < 0) {
      fail(plan.error_fd, SpawnStep::stdio);
    }
  }
}

// The passed fd becomes 3 and everything above it is closed, except the error pipe until exec.
void pass_one_fd(const ChildPlan& plan) {
  if (plan.pass_fd != 3 ? dup2(plan.pass_fd, 3) < 0 : fcntl(3, F_SETFD, 0) != 0) {
    fail(plan.error_fd, SpawnStep::stdio);
  }
  if (close_range(4, static_cast<unsigned>(plan.error_fd) - 1, 0) != 0 ||
      close_range(static_cast<unsigned>(plan.error_fd) + 1, ~0U, 0) != 0) {
    fail(plan.error_fd, SpawnStep::stdio);
  }
}

[[noreturn]] void run_child(ChildPlan plan) {
  // Keep the error pipe clear of 0-3, which the set-up below may overwrite.
  int error_fd = fcntl(plan.error_fd, F_DUPFD_CLOEXEC, 10);
  if (error_fd < 0) {
    fail(plan.error_fd, SpawnStep::stdio);
  }
  plan.error_fd = error_fd;
  reset_signals(plan);
  if (plan.die_with_runner) {
    // The job must not outlive the runner: a worker killed by Receptor's SIGKILL would
    // otherwise leave ansible-playbook running on the node.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
      fail(plan.error_fd, SpawnStep::signals);
    }
    if (getppid() != plan.parent) {
      _exit(127); // the runner died before prctl took effect
    }
  }
  if (plan.new_session && setsid() < 0) {
    fail(plan.error_fd, SpawnStep::session);
  }
  if (plan.gate_fd >= 0) {
    close(plan.gate_write_fd);
    char go = 0;
    while (read(plan.gate_fd, &go, 1) < 0 && errno == EINTR) {
    }
    if (go != 'g') {
      _exit(127); // the runner is gone (end of file)
    }
    close(plan.gate_fd);
  }
  if (plan.tty[0] != '\0') {
    attach_terminal(plan);
  } else {
    attach_stdio(plan);
  }
  if (plan.pass_fd >= 0) {
    pass_one_fd(plan);
  }
  if (plan.cwd[0] != '\0' && chdir(plan.cwd) != 0) {
    fail(plan.error_fd, SpawnStep::chdir);
  }
  execve(plan.path, plan.argv, plan.envp);
  fail(plan.error_fd, SpawnStep::exec);
}

bool is_executable_file(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

void reap_blocking(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

} // namespace

std::optional<std::string> find_executable(const std::string& name, const std::vector<std::string>& env) {
  if (name.find('/') != std::string::npos) {
    return is_executable_file(name) ? std::optional<std::string>(name) : std::nullopt;
  }
  std::string path_value;
  bool found_path = false;
  for (const auto& entry : env) {
    if (entry.starts_with("PATH=")) {
      path_value = entry.substr(5);
      found_path = true;
    }
  }
  if (!found_path) {
    const char* p = std::getenv("PATH");
    path_value = p ? p : "/usr/local/bin:/usr/bin:/bin";
  }
  size_t start = 0;
  while (start <= path_value.size()) {
    size_t end = path_value.find(':', start);
    if (end == std::string::npos) {
      end = path_value.size();
    }
    std::string dir = path_value.substr(start, end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (is_executable_file(candidate)) {
      return candidate;
    }
    start = end + 1;
  }
  return std::nullopt;
}

util::Pipe make_child_pipe() {
  std::optional<util::Pipe> pipe = util::make_pipe();
  if (!pipe) {
    throw SpawnError(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  return std::move(*pipe);
}

std::string os_error_text(int err, const std::string& path) {
  return "[Errno " + std::to_string(err) + "] " + std::strerror(err) + ": '" + path + "'";
}

SpawnOutcome spawn(const ChildSetup& setup) {
  SpawnOutcome outcome;
  static const std::vector<std::string> no_env;
  const std::string& program = setup.program.empty() && !setup.argv.empty() ? setup.argv[0] : setup.program;
  std::optional<std::string> path =
      program.empty() ? std::nullopt : find_executable(program, setup.env ? *setup.env : no_env);
  if (!path) {
    outcome.failure = SpawnFailure{SpawnStep::resolve, ENOENT};
    return outcome;
  }
  std::vector<char*> argv;
  for (const auto& a : setup.argv) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  std::vector<char*> envp;
  if (setup.env) {
    for (const auto& e : *setup.env) {
      envp.push_back(const_cast<char*>(e.c_str()));
    }
    envp.push_back(nullptr);
  }

  util::Pipe error_pipe = make_child_pipe();
  std::optional<util::Pipe> gate_pipe;
  if (setup.before_release) {
    gate_pipe = make_child_pipe();
  }
  winsize size{};
  size.ws_row = setup.tty_rows;
  size.ws_col = setup.tty_cols;
  ChildPlan plan{::getpid(),
                 path->c_str(),
                 argv.data(),
                 setup.env ? envp.data() : environ,
                 setup.cwd.c_str(),
                 setup.stdio.data(),
                 setup.ignored_signals.data(),
                 setup.ignored_signals.size(),
                 setup.die_with_runner,
                 setup.new_session,
                 setup.controlling_tty.c_str(),
                 size,
                 setup.pass_fd,
                 gate_pipe ? gate_pipe->read.get() : -1,
                 gate_pipe ? gate_pipe->write.get() : -1,
                 error_pipe.write.get()};
  pid_t pid = ::fork();
  if (pid < 0) {
    throw SpawnError(std::string("cannot fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    run_child(plan);
  }
  error_pipe.write.reset();
  if (gate_pipe) {
    gate_pipe->read.reset();
    try {
      setup.before_release(pid);
    } catch (...) {
      gate_pipe.reset(); // end of file: the child exits without running anything
      reap_blocking(pid);
      throw;
    }
    (void)!::write(gate_pipe->write.get(), "g", 1);
    gate_pipe.reset();
  }
  SpawnFailure failure{};
  if (util::read_some(error_pipe.read.get(), reinterpret_cast<char*>(&failure), sizeof failure) ==
      static_cast<long>(sizeof failure)) {
    reap_blocking(pid);
    outcome.failure = failure;
    return outcome;
  }
  outcome.pid = pid;
  return outcome;
}

bool detach() {
  pid_t first = ::fork();
  if (first < 0) {
    throw SpawnError(std::string("cannot fork: ") + std::strerror(errno));
  }
  if (first > 0) {
    reap_blocking(first);
    return false;
  }
  ::setsid();
  pid_t second = ::fork();
  if (second != 0) {
    ::_exit(second < 0 ? 1 : 0);
  }
  return true;
}

} // namespace ansible_runner::exec
