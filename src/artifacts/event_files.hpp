#pragma once
// job_events/ of a job whose events arrive from a stream (`process`): each event's file is
// made from the text it arrived as, in place (O_CREAT|O_TRUNC, 0600, never through a symlink),
// as the reference's process does (docs/artifacts-and-events.md 1). Without an event handler
// waiting on each file, the files are made on every core (util::ParallelFileWriter).
#include <optional>
#include <string>
#include <string_view>

#include "util/fd.hpp"
#include "util/parallel_file_writer.hpp"

namespace ansible_runner::artifacts {

class EventFiles {
public:
  // Creates <artifact_dir>/job_events/ (0700). `in_order`: every file is written before
  // write() returns.
  EventFiles(const std::string& artifact_dir, bool in_order);

  // job_events/<name> with `text`; `name` is a checked event file name
  // (events::event_file_name). Throws Error when it cannot be written (now or, for a file
  // queued earlier, at a later call).
  void write(std::string_view name, std::string_view text);
  // Waits until every file so far is written; throws Error for a failure.
  void drain();
  // On the way out with an error: waits for the writes under way and writes no more.
  void stop() { m_lanes.reset(); }

private:
  std::string m_dir; // with a trailing slash
  util::UniqueFd m_dir_fd;
  std::optional<util::ParallelFileWriter> m_lanes; // writes relative to m_dir_fd
  std::string m_path; // scratch
};

// <artifact_dir>/status with `status` (0600, never through a symlink): the error status of a
// job whose streamed artifacts could not be unpacked, over whatever the archive held.
void write_status_file(const std::string& artifact_dir, const std::string& status);

} // namespace ansible_runner::artifacts
