#include "exec/pipe_child.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec/event_loop.hpp"
#include "util/timer_value.hpp"

namespace ansible_runner::exec {
namespace {

constexpr auto k_tick = std::chrono::milliseconds(100);
constexpr auto k_drain_quiet = std::chrono::seconds(2);

using util::Pipe;

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
  ChildSetup setup;
  setup.argv = spec.argv;
  setup.env = spec.env;
  setup.cwd = spec.cwd;
  setup.stdio = {spec.stdin_fd, spec.stdout_fd, spec.stderr_fd};
  Pipe out_pipe;
  Pipe err_pipe;
  if (spec.stdout_fd < 0) {
    out_pipe = make_child_pipe();
    setup.stdio[1] = out_pipe.write.get();
  }
  if (spec.stderr_fd < 0) {
    err_pipe = make_child_pipe();
    setup.stdio[2] = err_pipe.write.get();
  }
  SpawnOutcome spawned = exec::spawn(setup);
  if (spawned.failure) {
    const bool in_cwd = spawned.failure->step == SpawnStep::chdir;
    throw SpawnError(os_error_text(spawned.failure->err, in_cwd ? spec.cwd : spec.argv.empty() ? "" : spec.argv[0]));
  }
  Child child(spawned.pid);
  out_pipe.write.reset();
  err_pipe.write.reset();

  PipeOutcome outcome;
  util::UniqueFd out_fd = std::move(out_pipe.read);
  util::UniqueFd err_fd = std::move(err_pipe.read);
  for (auto* fd : {&out_fd, &err_fd}) {
    if (*fd) {
      util::set_nonblocking(fd->get());
    }
  }
  EventLoop loop(limits.clock ? limits.clock : EventLoop::Clock::now);
  const auto started = loop.now();
  const auto timeout = util::timer_duration(limits.timeout.value_or(0));
  auto last_output = loop.now();
  bool killed = false;
  bool exited = false;
  // Done once the child has exited and both pipes are at end of file.
  auto stop_when_drained = [&] {
    if (exited && !out_fd && !err_fd) {
      loop.stop();
    }
  };
  auto note_exit = [&] {
    if (!exited && child.try_wait()) {
      exited = true;
      loop.unwatch(child.exit_fd());
    }
  };
  for (auto [fd, text] : {std::pair{&out_fd, &outcome.out}, std::pair{&err_fd, &outcome.err}}) {
    if (*fd) {
      const int number = fd->get();
      loop.watch(number, [&, fd, text, number] {
        last_output = loop.now();
        if (!drain_once(*fd, *text)) {
          loop.unwatch(number); // end of file: drain_once closed it
        }
        stop_when_drained();
      });
    }
  }
  if (child.exit_fd() >= 0) {
    loop.watch(child.exit_fd(), [&] {
      note_exit();
      stop_when_drained();
    });
  }
  loop.every(k_tick, [&] {
    note_exit();
    if (exited) {
      // Output still in the pipes is read until end of file, or until it has been quiet for
      // k_drain_quiet: a grandchild may hold them open.
      if (loop.now() - last_output > k_drain_quiet) {
        loop.stop();
      }
      stop_when_drained();
      return;
    }
    if (limits.on_tick) {
      limits.on_tick();
    }
    if (killed) {
      return;
    }
    if (limits.should_cancel) {
      try {
        outcome.canceled = limits.should_cancel();
      } catch (...) {
        child.kill();
        throw;
      }
    }
    if (!outcome.canceled && timeout && loop.now() - started > *timeout) {
      outcome.timed_out = true;
    }
    if (outcome.canceled || outcome.timed_out) {
      child.kill();
      killed = true;
    }
  });
  stop_when_drained();
  loop.run();
  outcome.status = child.wait();
  return outcome;
}

} // namespace ansible_runner::exec
