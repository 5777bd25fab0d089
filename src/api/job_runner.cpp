#include "api/job_runner.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

#include "api/event_dispatch.hpp"
#include "api/job_lifecycle.hpp"
#include "api/ssh_key_handover.hpp"
#include "artifacts/artifact_writer.hpp"
#include "events/event_builder.hpp"
#include "events/output_filter.hpp"
#include "events/utf8_decoder.hpp"
#include "exec/answer_pacer.hpp"
#include "exec/event_loop.hpp"
#include "exec/prompt_responder.hpp"
#include "exec/pty_child.hpp"
#include "util/fd.hpp"
#include "util/fs.hpp"
#include "util/python_json.hpp"
#include "util/timer_value.hpp"

namespace ansible_runner::api {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto k_tick = std::chrono::milliseconds(100);
constexpr auto k_flush_every = std::chrono::milliseconds(50);
// After the child exits, output still in the pty is drained until EIO; a grandchild that keeps
// the pty open must not hold the job, so give up after this much silence.
constexpr auto k_drain_quiet = std::chrono::seconds(2);

} // namespace

// Everything the loop touches while output flows.
struct JobRunner::Pump {
  JobRunner& runner;
  artifacts::ArtifactWriter& writer;
  events::Utf8Decoder decoder;
  events::OutputFilter filter;
  exec::PromptResponder responder;
  std::string console;
  std::string text;
  EventDispatch dispatch;
  EventDispatch::Show show; // to the stdout artifact and the console
  Clock::time_point last_event; // on the runner's clock, for the idle timeout
  long framed_events = 0;
  bool echo;

  Pump(JobRunner& r, artifacts::ArtifactWriter& w)
      : runner(r), writer(w),
        filter([this](events::FilterEvent& found) { on_event(found); }, r.m_config.artifact_dir),
        responder(r.m_config.passwords), dispatch(r.m_config.ident, r.m_config.json_mode, r.m_handlers, w),
        show([this](std::string_view piece) { this->show_text(piece); }), last_event(r.m_clock()),
        echo(!r.m_config.suppress_ansible_output) {}

  void show_text(std::string_view piece) {
    writer.append_stdout(piece);
    if (echo) {
      console.append(piece);
      if (console.size() >= (1u << 16)) {
        flush_console();
      }
    }
  }

  void on_event(events::FilterEvent& found) {
    last_event = runner.m_clock();
    framed_events += found.framed;
    dispatch.dispatch(found, show);
  }

  struct Answer {
    std::string text;
    bool framed; // the prompt was shown inside a callback frame
  };

  // Decoded text from the pty; returns what to send back (a password) if a prompt matched.
  std::optional<Answer> feed(std::string_view bytes) {
    text.clear();
    decoder.decode(bytes, text);
    std::optional<Answer> answer;
    if (std::optional<std::string> reply = responder.feed(text)) {
      // Fed up to the end of the prompt, the filter tells whether a frame is open around it.
      const std::string_view all(text);
      filter.feed(all.substr(0, responder.match_end()));
      answer = Answer{std::move(*reply), filter.in_frame()};
      filter.feed(all.substr(responder.match_end()));
    } else {
      filter.feed(text);
    }
    if (console.size() >= (1u << 16)) {
      flush_console();
    }
    return answer; // the loop flushes after each burst of reads
  }

  void finish() {
    text.clear();
    decoder.finish(text);
    if (!text.empty()) {
      filter.feed(text);
    }
    filter.finish();
    flush();
  }

  void flush() {
    writer.flush();
    flush_console();
  }

  void flush_console() {
    if (console.empty()) {
      return;
    }
    if (runner.m_handlers.on_console) {
      runner.m_handlers.on_console(console);
    } else {
      util::write_all(runner.m_console_fd, console);
    }
    console.clear();
  }
};

JobRunner::JobRunner(config::JobConfig config, const Handlers& handlers, int console_fd)
    : m_config(std::move(config)), m_handlers(handlers), m_console_fd(console_fd) {}

// The job's loop: reads the pty into the pump until end of file (or the drain gives up), with
// the flushes, the password answers (exec/answer_pacer) and, once a tick, the timers and cancel.
void JobRunner::drive(exec::PtyChild& child, Pump& pump, SshKeyHandover& ssh_key, RunResult& result,
                      std::optional<exec::ExitStatus>& exit_status) {
  const auto job_timeout = util::timer_duration(m_config.job_timeout.value_or(0));
  const auto idle_timeout = util::timer_duration(m_config.idle_timeout.value_or(0));
  const int master = child.master_fd();
  util::set_nonblocking(master);
  exec::EventLoop loop(m_clock);
  const auto started = loop.now();
  auto last_output = loop.now();
  bool killed = false;
  char buf[65536];
  // The answer to a prompt waits for the callback frame around it to close (the pty echoes it
  // where it is written, and the reference's comes after the frame) and is written again while
  // a `pause` shows no sign of having read it (exec/answer_pacer.hpp).
  exec::AnswerPacer answers(
      loop, {[&pump] { return pump.filter.in_frame(); }, [&pump] { return pump.framed_events; }},
      [&](std::string_view answer) {
        util::write_all(master, answer);
        pump.last_event = loop.now();
      });
  // The stdout artifact and the console get what arrived at most k_flush_every late: one
  // write per burst of small events instead of one per read.
  std::optional<exec::EventLoop::TimerId> flush_timer;

  auto flush = [&] {
    if (flush_timer) {
      loop.cancel(*flush_timer);
      flush_timer.reset();
    }
    pump.flush();
  };
  loop.watch(master, [&] {
    // Read what is there now (bounded, so timers still run under a flood).
    for (int round = 0; round < 64; ++round) {
      long n = util::read_some(master, buf, sizeof buf);
      if (n > 0) {
        if (std::optional<Pump::Answer> answer = pump.feed(std::string_view(buf, static_cast<size_t>(n)))) {
          answers.matched(std::move(answer->text), answer->framed);
        }
        answers.output_read();
        last_output = loop.now(); // a huge event may take a while: that is not silence
        if (!flush_timer) {
          flush_timer = loop.at(loop.now() + k_flush_every, flush);
        }
        if (static_cast<size_t>(n) < sizeof buf) {
          break; // drained for now; poll says when there is more (saves a read per event)
        }
        continue;
      }
      if (n == 0 || errno == EIO) {
        // Every holder of the pty's slave side is gone: the job is over once reaped.
        loop.unwatch(master);
        flush();
        if (!exit_status) {
          exit_status = child.wait();
        }
        loop.stop();
      }
      break;
    }
  });
  // Once a tick (and once at the start, so a cancel that is already wanted wins): the
  // ssh-key hand-over, the owner's tick, reaping, the drain, cancel and the timeouts.
  auto tick = [&] {
    ssh_key.poll();
    if (m_on_tick) {
      m_on_tick();
    }
    if (!exit_status) {
      exit_status = child.try_wait();
    }
    if (exit_status && loop.now() - last_output > k_drain_quiet) {
      // Output still in the pty is drained until end of file; a grandchild that keeps the
      // pty open must not hold the job.
      flush();
      loop.stop();
      return;
    }
    if (killed) {
      return;
    }
    const auto now = loop.now();
    if (m_handlers.should_cancel) {
      try {
        result.canceled = m_handlers.should_cancel();
      } catch (const std::exception& e) {
        child.kill_group(SIGKILL); // unlike the reference, never leave the job running
        throw CallbackError(std::string("Exception in Cancel Callback: ") + e.what());
      }
    }
    if (!result.canceled && job_timeout && now - started > *job_timeout) {
      result.timed_out = true;
    }
    if (!result.canceled && idle_timeout && now - pump.last_event > *idle_timeout) {
      result.timed_out = true;
    }
    if ((result.canceled || result.timed_out) && !exit_status) {
      kill_container(m_config);
      child.kill_group(SIGKILL);
      killed = true;
    }
  };
  tick();
  loop.every(k_tick, tick);
  loop.run();
  if (killed) {
    remove_container(m_config);
  }
}

RunResult JobRunner::run() {
  artifacts::ArtifactWriter writer(artifact_settings(m_config));
  RunResult result = start_job(m_handlers, m_config, writer);
  Pump pump(*this, writer);
  SshKeyHandover ssh_key(m_config);

  std::optional<exec::PtyChild> child;
  try {
    const std::string& spawn_cwd = m_config.spawn_cwd.empty() ? m_config.cwd : m_config.spawn_cwd;
    exec::SpawnSpec spec{m_config.command, spawn_environment(m_config), spawn_cwd, 24, 80};
    child.emplace(exec::PtyChild::spawn(spec));
  } catch (const exec::SpawnError& e) {
    pump.feed(std::string(e.what()) + "\n");
    pump.flush();
  }

  std::optional<exec::ExitStatus> exit_status;
  // Leaving early: nothing of the job may outlive the runner's answer.
  auto stop_child = [&] {
    if (child && !exit_status) {
      kill_container(m_config);
      child->kill_group(SIGKILL);
      child->wait();
      remove_container(m_config);
    }
  };
  try {
    if (child) {
      drive(*child, pump, ssh_key, result, exit_status);
    }
    pump.finish();
  } catch (const CallbackError&) {
    throw;
  } catch (const Error& e) {
    // An artifact could not be written (a full disk): later writes would fail the same way.
    // Stop the job, say "error" where a consumer looks, and report the cause to the caller.
    stop_child();
    fail_job(m_handlers, m_config, writer, result);
    throw;
  } catch (...) {
    // A handler's own exception (a language binding's): stop the job, then pass it on.
    stop_child();
    throw;
  }

  if (result.canceled || result.timed_out) {
    result.rc = 254;
  } else if (!child) {
    result.rc = 127;
  } else if (exit_status && exit_status->exit_code) {
    result.rc = *exit_status->exit_code;
  } // killed by a foreign signal: rc stays empty ("None"), as the reference's

  finish_job(m_handlers, m_config, writer, result);
  return result;
}

} // namespace ansible_runner::api
