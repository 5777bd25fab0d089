#pragma once
// Writes <artifact root>/<ident>/ as the reference's runner does (docs/artifacts-and-events.md 1):
// command, stdout, stderr, job_events/<counter>-<uuid>.json, status, rc, with its modes.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <ansible_runner/json.hpp>

#include "events/event_text.hpp"
#include "util/atomic_dir_writer.hpp"
#include "util/fd.hpp"

namespace ansible_runner::artifacts {

// What the writer needs to know of a job: where its artifacts go, what `command` records and
// the settings that shape the dir (api/job_lifecycle makes it from a JobConfig).
struct ArtifactSettings {
  std::string artifact_dir; // <artifact root>/<ident>, absolute
  // The `command` file: the final command line, the job's cwd and environment.
  std::vector<std::string> command;
  std::string cwd;
  Json env = Json::object();
  std::optional<std::string> env_list; // containers: the text of env.list
  bool suppress_output_file = false;   // no stdout/stderr files
  int rotate_artifacts = 0;            // keep this many artifact dirs (0: all)
};

class ArtifactWriter {
public:
  explicit ArtifactWriter(ArtifactSettings settings);

  // Creates the artifact dir (0700) and job_events/, writes `command` (0600), rotates old
  // artifact dirs, and opens stdout (0600) and stderr unless suppress_output_file.
  void prepare();

  // Appends to the stdout artifact (buffered until flush()).
  void append_stdout(std::string_view text);
  void flush();

  // job_events/<counter>-<uuid>.json in json.dumps form, 0600, replaced at once
  // (util::AtomicDirWriter: a reader never sees part of it).
  void write_event(const Json& event);
  // The same from the event's finished json.dumps text.
  void write_event_text(long counter, const std::string& uuid, std::string_view text);
  // The same named after `event`'s counter and uuid, holding `text` (a binding's rewrite).
  void write_event_text(const Json& event, std::string_view text);
  // The same for an event whose stdout waits in `text` (see events::dump_event_streamed).
  void write_event(const Json& event, events::EventText& text);

  // env.list (0600) when the job has one: the environment file a container engine reads.
  void write_env_list();

  // The stderr artifact (the umask's mode) with `text`, unless suppress_output_file; subprocess
  // mode captures stderr apart from stdout.
  void write_stderr(std::string_view text);

  // The final status and rc files (0600, no newline). An empty rc is written as "None".
  void write_result(const std::string& status, std::optional<int> rc);
  // The status file alone, for a job that ended in an error before it had an rc.
  void write_status(const std::string& status);

  const std::string& job_events_dir() const { return m_job_events_dir; }

private:
  util::AtomicDirWriter& event_files();

  ArtifactSettings m_job;
  std::string m_job_events_dir;
  util::UniqueFd m_stdout;
  std::string m_stdout_buffer;
  std::string m_scratch;
  std::optional<util::AtomicDirWriter> m_event_files; // job_events/, opened at the first event
};

// <fact cache dir>/<host>: json.dumps(facts), the mode from the umask, as the reference's
// Runner.set_fact_cache; the dir is made (0700) when missing.
void write_fact_cache_file(const std::string& path, const Json& facts);

// Keeps only the newest `keep` directories of the artifact root by mtime (0: keep all);
// plain files there are neither counted nor removed.
void rotate_artifact_dirs(const std::string& artifact_root, int keep);

} // namespace ansible_runner::artifacts
