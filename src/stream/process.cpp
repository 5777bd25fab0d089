// process: result stream in, artifacts and handler calls out (docs/streaming-protocol.md 4).
#include <charconv>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <unistd.h>

#include <ansible_runner/errors.hpp>
#include <ansible_runner/streaming.hpp>

#include "artifacts/event_files.hpp"
#include "events/event_file_name.hpp"
#include "events/utf8_decoder.hpp"
#include "stream/process_line_scan.hpp"
#include "stream/line_limits.hpp"
#include "stream/result_reader.hpp"
#include "stream/temp_file.hpp"
#include "stream/zip_extractor.hpp"
#include "util/excerpt.hpp"
#include "util/fd.hpp"
#include "util/fs.hpp"
#include "util/pypath.hpp"
#include "util/temp_dir.hpp"
#include "util/python_json.hpp"
#include "util/python_json_form.hpp"
#include "util/python_repr.hpp"

namespace ansible_runner {
namespace {

// Event stdout is gathered and written in batches of about this size.
constexpr size_t k_out_batch = 64 * 1024;
// Event stdout longer than this is decoded and printed in pieces of about this size.
constexpr size_t k_stdout_piece = 1024 * 1024;

constexpr const char* k_parse_error = "Failed to JSON parse a line from worker stream.";

std::string artifact_dir_for(const ProcessOptions& options) {
  if (options.artifact_dir && !options.artifact_dir->empty()) {
    return util::py_abspath(*options.artifact_dir);
  }
  std::string root = util::py_abspath(util::path_join(options.private_data_dir, "artifacts"));
  if (options.ident && !options.ident->empty()) {
    return util::path_join(root, *options.ident);
  }
  return root; // the reference's choice without ident: directly into <pdd>/artifacts
}

std::optional<int> read_rc(const std::string& artifact_dir) {
  std::optional<std::string> text;
  try {
    text = util::read_file_if_exists(util::path_join(artifact_dir, "rc"));
  } catch (const Error&) {
    return std::nullopt;
  }
  if (!text) {
    return std::nullopt;
  }
  std::string_view v = *text;
  while (!v.empty() && (v.back() == '\n' || v.back() == ' ' || v.back() == '\r')) {
    v.remove_suffix(1);
  }
  int rc = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), rc);
  if (ec != std::errc() || end != v.data() + v.size() || v.empty()) {
    return std::nullopt; // "None": the job died of a foreign signal
  }
  return rc;
}

// Thrown when an artifact cannot be written; ends the processing with an error status.
struct ArtifactWriteError {
  std::string message;
};

class Processor {
public:
  Processor(const StreamInput& in, const ProcessOptions& options, const Handlers& handlers)
      : m_options(options), m_handlers(handlers), m_in_fd(in.fd), m_reader(in, options.line_limits.max_line_bytes),
        m_messages(m_reader, [this](const std::string& m) { report(m); }, stream::json_limits(options.line_limits)) {
    m_result.artifact_dir = artifact_dir_for(options);
    if (options.ident) {
      m_result.ident = *options.ident;
    }
  }

  RunResult run() {
    m_out_tty = ::isatty(m_options.stdout_fd) == 1;
    // With an event handler the file of each event is written before the next handler runs,
    // as the reference does; without one, the files are made on every core.
    m_event_files.emplace(m_result.artifact_dir, m_handlers.on_event || m_handlers.on_event_json);
    try {
      loop();
      drain_event_files();
    } catch (const CallbackError&) {
      stop_event_files();
      flush_out();
      throw;
    } catch (const ArtifactWriteError& e) {
      // The reference dies here with a traceback (into <pdd>/daemon.log, on the same full disk).
      stop_event_files();
      report(e.message);
      fail("Failed to write the artifacts: " + e.message);
    } catch (const Error& e) {
      stop_event_files();
      report(util::excerpt(e.what()));
      fail(std::string(k_parse_error) + " Error: " + util::excerpt(e.what()));
    }
    flush_out();
    if (m_handlers.on_finished) {
      m_handlers.on_finished(m_result);
    }
    return m_result;
  }

private:
  void loop() {
    for (;;) {
      flush_out_before_waiting();
      if (!m_messages.advance()) {
        std::string why = m_messages.last_error().empty() ? "the stream ended before its eof line"
                                                          : m_messages.last_error();
        report("the result stream is broken: " + why);
        fail(std::string(k_parse_error) + " Error: " + why +
             " Line with invalid JSON data: " + stream::bytes_repr(m_messages.last_bad_line()));
        return;
      }
      const stream::LineScan& scan = m_messages.last_scan();
      if (scan.canonical && !scan.has_status && !scan.has_zipfile && !scan.has_eof) {
        if (scan.event == "\"keepalive\"") {
          continue;
        }
        if (!m_handlers.on_event && on_plain_event(scan)) {
          continue;
        }
      }
      const Json& data = m_messages.last_json();
      if (data.is_discarded()) { // NaN or Infinity where we need the parsed value, or a limit
        const std::string& why = m_messages.last_json_error();
        report("skipping a line " + (why.empty() ? std::string("our JSON parser cannot read") : "past a limit, " + why) +
               ": " + stream::bytes_repr(m_messages.last_line(), 200));
        continue;
      }
      if (data.contains("status")) {
        on_status(data);
      } else if (data.contains("zipfile")) {
        if (!on_zip(data["zipfile"])) {
          return;
        }
      } else if (data.contains("eof")) {
        return;
      } else if (data.contains("event") && data["event"] == "keepalive") {
        continue;
      } else {
        on_event(data);
      }
    }
  }

  // The printed event stdout goes out in batches; it must not sit in the buffer while we wait
  // for more input (a live job's output would stall). When the input has nothing ready now,
  // write it out. A line already buffered needs no poll (one syscall per event saved).
  void flush_out_before_waiting() {
    if (m_out.empty()) {
      return;
    }
    if (m_out_tty) {
      flush_out();
      return;
    }
    if (m_messages.raw().line_ready()) {
      if (m_out.size() >= k_out_batch) {
        flush_out();
      }
      return;
    }
    pollfd p{m_in_fd, POLLIN, 0};
    int ready = ::poll(&p, 1, 0);
    if (ready <= 0 || m_out.size() >= k_out_batch) {
      flush_out();
    }
  }

  // Prints a canonical JSON string token's text and a newline; false (nothing printed) when it
  // holds a lone surrogate. A large text is decoded and printed a piece at a time, cut between
  // escapes, so printing it costs no copy as large as the line (docs/security.md, memory per line).
  bool print_stdout(std::string_view token) {
    bool may_hold_surrogates = token.find("\\ud") != std::string_view::npos || token.find("\\uD") != std::string_view::npos;
    if (token.size() <= k_stdout_piece || may_hold_surrogates) {
      size_t before = m_out.size();
      if (!stream::append_decoded_string(token, m_out)) {
        m_out.resize(before); // a lone surrogate: printed the general way
        return false;
      }
      m_out += '\n';
      return true;
    }
    std::string_view inner = token.substr(1, token.size() - 2);
    std::string piece;
    while (!inner.empty()) {
      size_t cut = 0;
      while (cut < inner.size() && cut < k_stdout_piece) {
        cut += inner[cut] != '\\' ? 1 : inner.substr(cut + 1, 1) == "u" ? 6 : 2;
      }
      cut = std::min(cut, inner.size());
      piece.assign(1, '"').append(inner.substr(0, cut)) += '"';
      stream::append_decoded_string(piece, m_out); // no surrogate escapes: cannot fail
      flush_out();
      inner.remove_prefix(cut);
    }
    m_out += '\n';
    return true;
  }

  void flush_out() {
    if (m_out.empty()) {
      return;
    }
    if (m_handlers.on_console) {
      m_handlers.on_console(m_out);
    } else {
      util::write_all(m_options.stdout_fd, m_out); // a closed stdout must not stop the processing
    }
    m_out.clear();
  }

  void on_status(const Json& data) {
    m_result.status = data["status"].is_string() ? data["status"].get<std::string>() : util::python_str(data["status"]);
    if (m_result.ident.empty() && data.contains("runner_ident") && data["runner_ident"].is_string()) {
      m_result.ident = data["runner_ident"].get<std::string>();
    }
    if (m_result.status == "starting") {
      if (data.contains("command") && data["command"].is_array()) {
        m_result.command.clear();
        for (const auto& arg : data["command"]) {
          m_result.command.push_back(arg.is_string() ? arg.get<std::string>() : util::python_str(arg));
        }
      }
      if (data.contains("env")) {
        m_result.env = data["env"];
      }
      if (data.contains("cwd") && data["cwd"].is_string()) {
        m_result.cwd = data["cwd"].get<std::string>();
      }
    }
    drain_event_files(); // a status handler may look at job_events/
    m_result.canceled = m_result.status == "canceled";
    m_result.timed_out = m_result.status == "timeout";
    m_result.errored = m_result.status == "error";
    flush_out(); // the event text before a status stays before it
    if (m_handlers.on_status) {
      m_handlers.on_status(data);
    }
  }

  // Unpacks the artifacts; false (after an error status) when the payload or archive is bad.
  bool on_zip(const Json& length) {
    if (!length.is_number_unsigned() || length.get<uint64_t>() > m_options.limits.max_bytes) {
      report("bad zipfile length " + util::python_dumps(length));
      fail("Failed to extract the artifacts from the worker stream: bad zipfile length " + util::python_dumps(length));
      return false;
    }
    try {
      drain_event_files(); // the archive may hold job_events/ files: they replace ours, in order
      util::UniqueFd zip = stream::make_anonymous_temp_file();
      flush_out(); // the payload read below may wait for input
      m_reader.read_payload(length.get<uint64_t>(), zip.get());
      stream::extract_zip(zip.get(), m_result.artifact_dir,
                          stream::UnzipLimits{m_options.limits.max_bytes, m_options.limits.max_entries});
    } catch (const Error& e) {
      // The reference crashes here; we report it like any other broken stream.
      report("cannot extract the artifacts into " + m_result.artifact_dir + ": " + e.what());
      // Entries unpacked before the failure may include the worker's status file: a consumer
      // reading the artifact dir must not see "successful" for a job whose artifacts are broken.
      try {
        artifacts::write_status_file(m_result.artifact_dir, "error");
      } catch (const Error&) {
        // best effort (a full disk): the error status is still reported and returned
      }
      fail(std::string("Failed to extract the artifacts from the worker stream: ") + e.what());
      return false;
    }
    m_result.rc = read_rc(m_result.artifact_dir);
    if (m_handlers.on_artifacts) {
      flush_out();
      m_handlers.on_artifacts(m_result.artifact_dir);
    }
    return true;
  }

  // An event in json.dumps form when no event handler needs the parsed value: everything
  // comes from the scan and the line is written back as it is. False (having done nothing)
  // when the event needs the general path: an odd counter/uuid/stdout, or one to skip.
  bool on_plain_event(const stream::LineScan& scan) {
    std::optional<std::string_view> counter = stream::simple_str(scan.counter);
    std::optional<std::string_view> uuid = stream::simple_str(scan.uuid);
    if (!counter || !uuid || counter->empty() || uuid->empty() || *counter == "0") {
      return false;
    }
    if (counter->size() + uuid->size() + 6 > 255 || uuid->find('/') != std::string_view::npos ||
        counter->find('/') != std::string_view::npos) {
      return false;
    }
    if (!m_options.quiet && !scan.stdout_text.empty()) {
      if (scan.stdout_text.front() != '"' || !print_stdout(scan.stdout_text)) {
        return false;
      }
    }
    m_file_name.assign(*counter);
    m_file_name += '-';
    m_file_name += *uuid;
    m_file_name += ".json";
    if (!m_handlers.on_event_json) {
      write_event_file(m_file_name, m_messages.last_line());
    } else {
      flush_out(); // the reference prints an event's stdout before its handler runs
      if (std::optional<std::string> text = m_handlers.on_event_json(std::string(m_messages.last_line()))) {
        write_event_file(m_file_name, *text);
      }
    }
    if (m_out.size() >= k_out_batch) {
      flush_out();
    }
    return true;
  }

  void on_event(const Json& event) {
    // Upstream main skips these; 2.3.1 crashes with a KeyError.
    if (!event.contains("counter") || !event.contains("uuid") || !util::python_truthy(event["counter"]) ||
        !util::python_truthy(event["uuid"])) {
      report("skipping an event without counter or uuid");
      return;
    }
    std::optional<std::string> file_name = events::event_file_name(event["counter"], event["uuid"]);
    if (!file_name) {
      report("skipping an event whose counter/uuid is not a plain file name");
      return;
    }
    if (!m_options.quiet && event.contains("stdout")) {
      const Json& text = event["stdout"];
      if (text.is_string()) {
        m_out += text.get_ref<const std::string&>();
      } else {
        m_out += util::python_str(text);
      }
      m_out += '\n';
      if (m_out.size() >= k_out_batch) {
        flush_out();
      }
    }
    bool keep = true;
    if (m_handlers.on_event) {
      flush_out();
      keep = m_handlers.on_event(event);
    }
    if (!keep) {
      return;
    }
    // What the reference writes: json.dumps of the parsed line, which for a json.dumps line
    // is the line itself.
    std::string text;
    if (m_messages.last_line_exact()) {
      text = m_messages.last_line();
    } else if (std::optional<std::string> normalized = util::python_json_normalize(m_messages.last_line())) {
      text = std::move(*normalized);
    } else {
      text = util::python_dumps(event);
    }
    if (m_handlers.on_event_json) {
      flush_out();
      std::optional<std::string> rewritten = m_handlers.on_event_json(text);
      if (!rewritten) {
        return;
      }
      text = std::move(*rewritten);
    }
    write_event_file(*file_name, text);
  }

  // Written by artifacts::EventFiles, in place, as the reference does. A failure (a full
  // disk) ends the processing: later events would fail the same way.
  void write_event_file(const std::string& name, std::string_view text) {
    try {
      m_event_files->write(name, text);
    } catch (const Error& e) {
      throw ArtifactWriteError{e.what()};
    }
  }

  // Waits until every event file so far is written; throws ArtifactWriteError for a failure.
  void drain_event_files() {
    try {
      m_event_files->drain();
    } catch (const Error& e) {
      throw ArtifactWriteError{e.what()};
    }
  }

  // On the way out with an error: waits for the writes under way and writes no more files.
  void stop_event_files() { m_event_files->stop(); }

  // The parser's messages may quote raw stream bytes: handlers must get a string that
  // Json::dump() accepts (found by fuzzing), and stderr readers text they can decode.
  static std::string valid_utf8(const std::string& message) {
    std::string text;
    events::Utf8Decoder decoder;
    decoder.decode(message, text);
    decoder.finish(text);
    return text;
  }

  void fail(const std::string& explanation) {
    Json status = Json::object();
    status["status"] = "error";
    status["job_explanation"] = valid_utf8(explanation);
    on_status(status);
  }

  void report(const std::string& message) {
    if (m_options.diagnostics_fd >= 0) {
      flush_out();
      util::write_all(m_options.diagnostics_fd, "ansible-runner process: " + valid_utf8(message) + "\n");
    }
  }

  const ProcessOptions& m_options;
  const Handlers& m_handlers;
  int m_in_fd;
  std::string m_out; // event stdout not yet written
  bool m_out_tty = false; // then line by line, as Python prints to a terminal
  std::optional<artifacts::EventFiles> m_event_files; // set once run() starts
  std::string m_file_name;  // scratch for its name
  stream::StreamReader m_reader;
  stream::ResultReader m_messages;
  RunResult m_result;
};

} // namespace

RunResult process(int in_fd, const ProcessOptions& options, const Handlers& handlers) {
  StreamInput input;
  input.fd = in_fd;
  return process(input, options, handlers);
}

RunResult process(const StreamInput& in, const ProcessOptions& options, const Handlers& handlers) {
  if (options.private_data_dir.empty() && !options.artifact_dir) {
    // The reference's API makes a temp dir and leaves it for the caller (the artifacts are the
    // point of processing).
    ProcessOptions with_dir = options;
    with_dir.private_data_dir = util::make_temp_dir("tmp");
    Processor processor(in, with_dir, handlers);
    return processor.run();
  }
  Processor processor(in, options, handlers);
  return processor.run();
}

int process_exit_code(const RunResult& result) {
  if (result.status == "successful") {
    return 0;
  }
  if (result.status == "failed" || result.status == "timeout" || result.status == "canceled") {
    return result.rc && *result.rc != 0 ? *result.rc : 1;
  }
  return 1;
}

} // namespace ansible_runner
