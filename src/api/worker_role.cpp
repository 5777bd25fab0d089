// worker: job stream in, job run, result stream out (docs/streaming-protocol.md 3).
#include <algorithm>
#include <chrono>
#include <optional>
#include <stdexcept>

#include <ansible_runner/errors.hpp>
#include <ansible_runner/streaming.hpp>

#include "api/job_runner.hpp"
#include "config/kwargs.hpp"
#include "stream/job_stream.hpp"
#include "stream/line_limits.hpp"
#include "stream/stream_writer.hpp"
#include "stream/zip_writer.hpp"
#include "util/excerpt.hpp"
#include "util/fd.hpp"
#include "util/fs.hpp"
#include "util/pypath.hpp"
#include "util/temp_dir.hpp"

namespace ansible_runner {
namespace {

// The private data dir the job runs in, and whether it goes away at the end.
class WorkerDir {
public:
  explicit WorkerDir(const WorkerOptions& options) {
    if (options.private_data_dir) {
      // The reference takes "" for the cwd (and then skips --delete); unpacking a job into
      // wherever the worker was started is never meant, so we refuse it.
      if (options.private_data_dir->empty()) {
        throw std::runtime_error("the private data dir is an empty path");
      }
      m_path = util::py_abspath(*options.private_data_dir);
      if (options.delete_private_data_dir) {
        util::remove_tree(m_path, true);
        m_remove = true;
      }
      util::make_dirs(m_path, 0700);
    } else {
      m_path = util::make_temp_dir("tmp");
      m_remove = true;
    }
  }
  ~WorkerDir() {
    if (m_remove) {
      util::remove_tree(m_path, true);
    }
  }
  WorkerDir(const WorkerDir&) = delete;
  WorkerDir& operator=(const WorkerDir&) = delete;
  const std::string& path() const { return m_path; }

private:
  std::string m_path;
  bool m_remove = false;
};

// The reference's Worker.update_paths(), minus its bug: it maps ANSIBLE_ROLES_PATH to
// <pdd>/roles/<value>, so the "roles" transmit sends becomes <pdd>/roles/roles. We join each
// relative element of the (colon-separated) value with the pdd, which is what transmit's
// relativisation (to <pdd>) undoes.
void fix_paths(Json& kwargs, const std::string& pdd) {
  if (kwargs.contains("envvars") && kwargs["envvars"].is_object() && kwargs["envvars"].contains("ANSIBLE_ROLES_PATH")) {
    Json& roles = kwargs["envvars"]["ANSIBLE_ROLES_PATH"];
    if (roles.is_string()) {
      std::string value = roles.get<std::string>();
      std::string fixed;
      std::string::size_type start = 0;
      for (;;) {
        auto end = value.find(':', start);
        std::string part = value.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!fixed.empty() || start > 0) {
          fixed += ':';
        }
        fixed += part.empty() ? part : util::path_join(pdd, part);
        if (end == std::string::npos) {
          break;
        }
        start = end + 1;
      }
      roles = fixed;
    }
  }
  if (kwargs.contains("inventory")) {
    Json& inventory = kwargs["inventory"];
    // Absolute paths stay as they are (os.path.join semantics). A list, which crashes the
    // reference, gets each string joined.
    if (inventory.is_string() && !inventory.get<std::string>().empty()) {
      inventory = util::path_join(pdd, inventory.get<std::string>());
    } else if (inventory.is_array()) {
      for (Json& item : inventory) {
        if (item.is_string() && !item.get<std::string>().empty()) {
          item = util::path_join(pdd, item.get<std::string>());
        }
      }
    }
  }
}

Json error_status(const std::string& explanation, const std::optional<std::string>& traceback = std::nullopt) {
  Json status = Json::object();
  status["status"] = "error";
  status["job_explanation"] = explanation;
  if (traceback) {
    status["result_traceback"] = *traceback;
  }
  return status;
}

// Writes a keepalive when one is due; how long the reader may wait for input before the next.
int milliseconds_until_keepalive(stream::StreamWriter& writer) {
  std::optional<stream::StreamWriter::Clock::duration> wait = writer.keep_alive(stream::StreamWriter::Clock::now());
  if (!wait) {
    return -1;
  }
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(*wait).count();
  return static_cast<int>(std::clamp<decltype(ms)>(ms, 0, 60 * 60 * 1000));
}

RunResult error_result() {
  RunResult result;
  result.status = "error";
  result.errored = true;
  return result;
}

} // namespace

RunResult worker(int in_fd, int out_fd, const WorkerOptions& options, const std::function<bool()>& should_cancel) {
  StreamInput input;
  input.fd = in_fd;
  return worker(input, out_fd, options, should_cancel);
}

RunResult worker(const StreamInput& in, int out_fd, const WorkerOptions& options,
                 const std::function<bool()>& should_cancel) {
  stream::StreamWriter writer(out_fd, options.keepalive_seconds);
  auto reject = [&](const Json& status) {
    writer.write_message(status);
    writer.write_eof();
    return error_result();
  };

  std::optional<WorkerDir> dir;
  try {
    dir.emplace(options);
  } catch (const std::exception& e) {
    return reject(error_status(std::string("Failed to prepare the private data directory on worker: ") + e.what()));
  }

  std::optional<Json> kwargs;
  try {
    stream::StreamReader reader(in, options.line_limits.max_line_bytes);
    if (should_cancel) {
      reader.set_interrupt_check(should_cancel);
    }
    reader.set_wait_hook([&writer] { return milliseconds_until_keepalive(writer); });
    stream::UnzipLimits limits{options.limits.max_bytes, options.limits.max_entries};
    kwargs = stream::read_job_stream(reader, dir->path(), limits, stream::json_limits(options.line_limits));
  } catch (const stream::JobStreamRejected& e) {
    if (e.explanation() == stream::k_extract_error) {
      return reject(error_status(e.explanation(), e.detail()));
    }
    return reject(error_status(e.explanation() + " " + e.detail()));
  } catch (const std::exception& e) {
    return reject(error_status(std::string(stream::k_parse_error) + " Error: " + util::excerpt(e.what())));
  }
  if (!kwargs) {
    // The reference crashes here (exit 1, no output).
    return reject(error_status("The transmit stream has no kwargs line."));
  }
  if (!kwargs->is_object()) {
    return reject(error_status("The kwargs of the transmit stream are not a mapping."));
  }

  RunResult result;
  try {
    fix_paths(*kwargs, dir->path());
    RunOptions run_options = config::options_from_kwargs(*kwargs, dir->path());
    run_options.quiet = true;
    run_options.suppress_ansible_output = true;
    run_options.private_data_dir = dir->path();

    Handlers handlers;
    handlers.on_status = [&](const Json& status) { writer.write_message(status); };
    // The worker writes no job_events files: the events travel in the stream instead.
    handlers.on_event = [&](const Json& event) {
      writer.write_message(event);
      return false;
    };
    handlers.on_artifacts = [&](const std::string& artifact_dir) {
      util::UniqueFd zip = stream::build_zip(artifact_dir);
      writer.write_zip(zip.get());
    };
    // A consumer that goes away (ssh session killed, link cut, Receptor closing the unit)
    // closes our output: stop the job then instead of running it to the end unseen, which the
    // reference does. SIGTERM/SIGINT arrive through should_cancel.
    handlers.should_cancel = [&] {
      return (should_cancel && should_cancel()) || writer.failed() || util::peer_closed(out_fd);
    };
    api::JobRunner runner(api::prepare_run(run_options), handlers);
    runner.on_tick([&writer] { writer.keep_alive(stream::StreamWriter::Clock::now()); });
    result = runner.run();
  } catch (const std::exception& e) {
    // Unknown kwargs keep the reference's "got an unexpected keyword argument 'x'" text, which
    // AWX looks for; the reference crashes without output for these.
    return reject(error_status(util::excerpt(e.what())));
  }
  if (!writer.write_eof() || writer.failed()) {
    // The controller did not get the whole result stream: whatever the job did, the worker
    // failed at its one task, and says so with its status and exit code.
    result.status = "error";
  }
  return result;
}

int worker_exit_code(const RunResult& result) {
  if (result.status == "error") {
    return 1;
  }
  if (result.rc) {
    return *result.rc;
  }
  return result.status == "successful" ? 0 : 1;
}

} // namespace ansible_runner
