#include "api/subprocess_runner.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

#include "api/captured_output.hpp"
#include "api/job_lifecycle.hpp"
#include "api/ssh_key_handover.hpp"
#include "artifacts/artifact_writer.hpp"
#include "exec/pipe_child.hpp"
#include "util/fd.hpp"
#include "util/fs.hpp"

namespace ansible_runner::api {

SubprocessRunner::SubprocessRunner(config::JobConfig config, SubprocessOptions options, const Handlers& handlers,
                                   int console_fd)
    : m_config(std::move(config)), m_options(options), m_handlers(handlers), m_console_fd(console_fd) {}

RunResult SubprocessRunner::run() {
  artifacts::ArtifactWriter writer(artifact_settings(m_config));
  RunResult result = start_job(m_handlers, m_config, writer);

  exec::PipeSpawnSpec spec;
  spec.argv = m_config.command;
  spec.env = spawn_environment(m_config);
  spec.cwd = m_config.spawn_cwd.empty() ? m_config.cwd : m_config.spawn_cwd;
  spec.stdin_fd = m_options.input_fd.value_or(-1);
  spec.stdout_fd = m_options.output_fd.value_or(-1);
  spec.stderr_fd = m_options.error_fd.value_or(-1);

  SshKeyHandover ssh_key(m_config);
  exec::PipeLimits limits;
  limits.timeout = m_options.timeout;
  limits.should_cancel = m_handlers.should_cancel;
  limits.on_tick = [&ssh_key]() { ssh_key.poll(); };

  exec::PipeOutcome outcome;
  bool started = true;
  try {
    outcome = exec::run_piped(spec, limits);
  } catch (const exec::SpawnError& e) {
    // The reference turns any exception here into rc 254 with the traceback as stderr.
    started = false;
    outcome.err = std::string(e.what()) + "\n";
  }

  if (!started || outcome.canceled || outcome.timed_out || outcome.status.exit_code != 0) {
    kill_container(m_config);
  }
  if (outcome.canceled || outcome.timed_out) {
    remove_container(m_config); // `podman run` was killed: its --rm may not have happened yet
  }
  result.canceled = outcome.canceled;
  result.timed_out = outcome.timed_out;
  if (!started || outcome.canceled || outcome.timed_out) {
    result.rc = 254;
  } else if (outcome.status.exit_code) {
    result.rc = *outcome.status.exit_code;
  } else if (outcome.status.signal) {
    result.rc = -*outcome.status.signal;
  }
  result.errored = !started || (result.rc != 0 && !result.timed_out && !result.canceled);

  try {
    CapturedOutput captured(m_config, m_handlers, writer);
    const bool echo = !m_config.suppress_ansible_output;
    std::string console;
    captured.feed_stream(outcome.out, [&](std::string_view text) {
      writer.append_stdout(text);
      if (echo) {
        console += text;
      }
    });
    std::string stderr_text;
    captured.feed_stream(outcome.err, [&](std::string_view text) {
      stderr_text += text;
      if (echo) {
        console += text;
      }
    });
    writer.flush();
    if (!stderr_text.empty()) {
      writer.write_stderr(stderr_text);
    }
    if (!console.empty() && m_handlers.on_console) {
      m_handlers.on_console(console);
    } else if (!console.empty()) {
      util::write_all(m_console_fd, console);
    }
  } catch (const CallbackError&) {
    throw;
  } catch (const Error&) {
    // An artifact could not be written (a full disk): say "error" where a consumer looks, and
    // report the cause to the caller, as the pty job does.
    fail_job(m_handlers, m_config, writer, result);
    throw;
  }

  finish_job(m_handlers, m_config, writer, result);
  return result;
}

} // namespace ansible_runner::api
