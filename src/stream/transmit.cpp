// transmit: the job stream (docs/streaming-protocol.md 2).
#include <cerrno>
#include <cstring>
#include <optional>

#include <ansible_runner/errors.hpp>
#include <ansible_runner/streaming.hpp>

#include "config/kwargs.hpp"
#include "stream/stream_writer.hpp"
#include "stream/temp_file.hpp"
#include "stream/zip_writer.hpp"
#include "util/fs.hpp"
#include "util/pypath.hpp"

namespace ansible_runner {
namespace {

// Keys that describe the sender, not the job (docs/streaming-protocol.md 2.1 step 3). The CLI never
// sets them; an API caller may.
void drop_sender_keys(Json& kwargs) {
  for (const char* key : {"private_data_dir", "streamer", "only_transmit_kwargs", "event_handler", "status_handler",
                          "artifacts_handler", "cancel_callback", "finished_callback", "debug", "logfile",
                          "ignore_logging", "keepalive_seconds", "_input", "_output"}) {
    kwargs.erase(key);
  }
}

} // namespace

void transmit(const std::string& private_data_dir, const Json& kwargs, int out_fd, const TransmitOptions& options) {
  if (!kwargs.is_object()) {
    throw ConfigurationError("kwargs must be a mapping");
  }
  // No dir: the reference streams an empty temp dir.
  std::optional<stream::ScratchDir> scratch;
  std::string pdd;
  if (private_data_dir.empty()) {
    scratch.emplace("ansible-runner-transmit-");
    pdd = scratch->path();
  } else {
    pdd = util::py_abspath(private_data_dir);
    if (!util::is_directory(pdd)) {
      throw Error("private data dir " + pdd + " is not a directory");
    }
  }

  Json job = kwargs;
  drop_sender_keys(job);
  util::UniqueFd zip;
  if (!options.only_transmit_kwargs) {
    // The reference writes these files into the sender's dir and zips them from there; we put
    // them straight into the archive and leave the sender's dir untouched. The config layer
    // returns an env/ file only when the dir has none (the existing file wins, as in the
    // reference); other generated files (inventory/hosts from INI text, project/main.json)
    // replace what is on disk, as the reference's overwrite does.
    std::vector<stream::ZipExtraFile> extras;
    for (auto& file : config::dump_artifacts_for_transmit(pdd, job)) {
      extras.push_back({std::move(file.relative_path), std::move(file.content), file.mode});
    }
    // Built before anything is written, so an unreadable file leaves no half stream behind.
    zip = stream::build_zip(pdd, extras);
  }
  // With only_transmit_kwargs nothing is dumped: the worker runs in its own dir and dumps the
  // kwargs itself, instead of losing them as the reference does when the sender's dir is not
  // shared with the worker.

  stream::StreamWriter writer(out_fd);
  Json kwargs_line = Json::object();
  kwargs_line["kwargs"] = std::move(job);
  if (!writer.write_message(kwargs_line)) {
    throw Error(std::string("cannot write the job stream: ") + std::strerror(errno));
  }
  if (zip) {
    writer.write_zip(zip.get());
  }
  if (!writer.write_eof()) {
    throw Error(std::string("cannot write the job stream: ") + std::strerror(errno));
  }
}

} // namespace ansible_runner
