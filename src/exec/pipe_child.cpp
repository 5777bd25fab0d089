#include "exec/pipe_child.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/timer_value.hpp"

namespace ansible_runner::exec {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int k_tick_ms = 100;
constexpr auto k_drain_quiet = std::chrono::seconds(2);

// What the child reports through the error pipe before it dies: which step failed, and errno.
struct ChildError {
  int step; // 0: chdir, 1: exec
  int err;
};

std::string os_error_text(int err, const std::string& path) {
  return "[Errno " + std::to_string(err) + "] " + std::strerror(err) + ": '" + path + "'";
}

// Runs in the child between fork and exec: async-signal-safe calls only. `sources` are the
// fds for 0, 1, 2 (-1: keep ours).
[[noreturn]] void exec_child(const int sources[3], int error_fd, const char* path, char* const argv[],
                             char* const envp[], const char* cwd) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) {
    signal(sig, SIG_DFL);
  }
  // Move every source above 2 first, so that a source numbered 0-2 is not overwritten by an
  // earlier dup2.
  int moved[3];
  for (int i = 0; i < 3; ++i) {
    moved[i] = sources[i] >= 0 ? fcntl(sources[i], F_DUPFD_CLOEXEC, 3) : -1;
  }
  for (int i = 0; i < 3; ++i) {
    if (moved[i] >= 0) {
      dup2(moved[i], i); // the copy at i has no CLOEXEC
    }
  }
  if (cwd[0] != '\0' && chdir(cwd) != 0) {
    ChildError e{0, errno};
    (void)!write(error_fd, &e, sizeof e);
    _exit(127);
  }
  execve(path, argv, envp);
  ChildError e{1, errno};
  (void)!write(error_fd, &e, sizeof e);
  _exit(127);
}

using util::Pipe;

Pipe make_pipe() {
  std::optional<Pipe> pipe = util::make_pipe();
  if (!pipe) {
    throw SpawnError(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  return std::move(*pipe);
}

class Child {
public:
  // A pidfd (Linux 5.3+) becomes readable when the child exits, so the loop wakes at once
  // instead of at the next tick; without one the tick finds the exit.
  explicit Child(pid_t pid) : m_pid(pid), m_pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))) {}

  int exit_fd() const { return m_pidfd.get(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (!m_status) {
      ::kill(m_pid, SIGKILL); // never leave it behind when an exception unwinds
      wait();
    }
  }

  bool try_wait() {
    if (!m_status) {
      m_status = reap(m_pid, false);
    }
    return m_status.has_value();
  }

  ExitStatus wait() {
    if (!m_status) {
      m_status = reap(m_pid, true);
    }
    return *m_status;
  }

  void kill() const {
    if (!m_status) {
      ::kill(m_pid, SIGKILL);
    }
  }

private:
  pid_t m_pid;
  util::UniqueFd m_pidfd;
  std::optional<ExitStatus> m_status;
};

// Reads what is there now from `fd` into `out`; false at EOF or error (then `fd` is closed).
bool drain_once(util::UniqueFd& fd, std::string& out) {
  char buf[65536];
  for (int round = 0; round < 64; ++round) {
    long n = util::read_some(fd.get(), buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return true;
    }
    fd.reset();
    return false;
  }
  return true;
}

} // namespace

PipeOutcome run_piped(const PipeSpawnSpec& spec, const PipeLimits& limits) {
  if (spec.argv.empty()) {
    throw SpawnError(os_error_text(ENOENT, ""));
  }
  auto path = find_executable(spec.argv[0], spec.env);
  if (!path) {
    throw SpawnError(os_error_text(ENOENT, spec.argv[0]));
  }

  std::vector<char*> argv;
  for (const auto& a : spec.argv) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : spec.env) {
    envp.push_back(const_cast<char*>(e.c_str()));
  }
  envp.push_back(nullptr);

  Pipe out_pipe;
  Pipe err_pipe;
  int sources[3] = {spec.stdin_fd, spec.stdout_fd, spec.stderr_fd};
  if (spec.stdout_fd < 0) {
    out_pipe = make_pipe();
    sources[1] = out_pipe.write.get();
  }
  if (spec.stderr_fd < 0) {
    err_pipe = make_pipe();
    sources[2] = err_pipe.write.get();
  }
  Pipe error_pipe = make_pipe();

  pid_t pid = ::fork();
  if (pid < 0) {
    throw SpawnError(std::string("cannot fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    exec_child(sources, error_pipe.write.get(), path->c_str(), argv.data(), envp.data(), spec.cwd.c_str());
  }
  Child child(pid);
  out_pipe.write.reset();
  err_pipe.write.reset();
  error_pipe.write.reset();
  ChildError failure{};
  if (util::read_some(error_pipe.read.get(), reinterpret_cast<char*>(&failure), sizeof failure) ==
      static_cast<long>(sizeof failure)) {
    child.wait();
    throw SpawnError(os_error_text(failure.err, failure.step == 0 ? spec.cwd : spec.argv[0]));
  }

  PipeOutcome outcome;
  util::UniqueFd out_fd = std::move(out_pipe.read);
  util::UniqueFd err_fd = std::move(err_pipe.read);
  for (auto* fd : {&out_fd, &err_fd}) {
    if (*fd) {
      util::set_nonblocking(fd->get());
    }
  }
  const auto started = Clock::now();
  const auto timeout = util::timer_duration(limits.timeout.value_or(0));
  auto last_output = Clock::now();
  bool killed = false;
  bool exited = false;
  for (;;) {
    pollfd pfds[3];
    nfds_t count = 0;
    for (auto* fd : {&out_fd, &err_fd}) {
      if (*fd) {
        pfds[count++] = pollfd{fd->get(), POLLIN, 0};
      }
    }
    const nfds_t pipes = count;
    if (pipes == 0 && exited) {
      break;
    }
    if (!exited && child.exit_fd() >= 0) {
      pfds[count++] = pollfd{child.exit_fd(), POLLIN, 0};
    }
    bool pipe_ready = false;
    if (::poll(count > 0 ? pfds : nullptr, count, k_tick_ms) > 0) {
      for (nfds_t i = 0; i < pipes; ++i) {
        pipe_ready = pipe_ready || pfds[i].revents != 0;
      }
    }
    if (pipe_ready) {
      last_output = Clock::now();
      if (out_fd) {
        drain_once(out_fd, outcome.out);
      }
      if (err_fd) {
        drain_once(err_fd, outcome.err);
      }
    }
    if (!exited) {
      exited = child.try_wait();
    }
    if (exited) {
      if (Clock::now() - last_output > k_drain_quiet) {
        break;
      }
      continue;
    }
    if (limits.on_tick) {
      limits.on_tick();
    }
    if (killed) {
      continue;
    }
    if (limits.should_cancel) {
      try {
        outcome.canceled = limits.should_cancel();
      } catch (...) {
        child.kill();
        throw;
      }
    }
    if (!outcome.canceled && timeout && Clock::now() - started > *timeout) {
      outcome.timed_out = true;
    }
    if (outcome.canceled || outcome.timed_out) {
      child.kill();
      killed = true;
    }
  }
  outcome.status = child.wait();
  return outcome;
}

} // namespace ansible_runner::exec
