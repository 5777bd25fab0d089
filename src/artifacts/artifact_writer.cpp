#include "artifacts/artifact_writer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <ansible_runner/errors.hpp>

#include "events/event_builder.hpp"
#include "events/event_file_name.hpp"
#include "util/atomic_dir_writer.hpp"
#include "util/debug_log.hpp"
#include "util/dir_listing.hpp"
#include "util/fs.hpp"
#include "util/python_json.hpp"

namespace ansible_runner::artifacts {
namespace {

// The checked name of an event's file; nullopt (and a debug line) for a hostile uuid, whose
// event then gets no file, as under the reference, where writing it fails and is ignored.
std::optional<std::string> checked(std::optional<std::string> name) {
  if (!name) {
    util::debug_log::line("not writing the file of an event whose uuid is not a plain file name");
  }
  return name;
}

std::optional<std::string> checked_name(const Json& event) {
  return checked(events::event_file_name(event.value("counter", Json(0)), event.value("uuid", Json(""))));
}

} // namespace

ArtifactWriter::ArtifactWriter(ArtifactSettings settings)
    : m_job(std::move(settings)), m_job_events_dir(util::path_join(m_job.artifact_dir, "job_events")) {}

void ArtifactWriter::prepare() {
  util::make_dirs(m_job.artifact_dir, 0700);
  util::make_dirs(m_job_events_dir, 0700);

  Json command = Json::object();
  command["command"] = m_job.command;
  command["cwd"] = m_job.cwd;
  command["env"] = m_job.env;
  std::string text;
  util::python_dumps_utf8(command, text);
  util::write_file(util::path_join(m_job.artifact_dir, "command"), text, 0600);

  rotate_artifact_dirs(util::dirname(m_job.artifact_dir), m_job.rotate_artifacts);

  if (!m_job.suppress_output_file) {
    std::string stdout_path = util::path_join(m_job.artifact_dir, "stdout");
    m_stdout.reset(::open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!m_stdout) {
      throw Error("cannot write " + stdout_path + ": " + std::strerror(errno));
    }
    // stderr stays empty under a pty; the reference creates it with the umask's mode.
    util::write_file(util::path_join(m_job.artifact_dir, "stderr"), "", 0666);
  }
}

void ArtifactWriter::append_stdout(std::string_view text) {
  if (m_stdout) {
    m_stdout_buffer.append(text);
    if (m_stdout_buffer.size() > (1u << 16)) {
      flush();
    }
  }
}

void ArtifactWriter::flush() {
  if (m_stdout && !m_stdout_buffer.empty()) {
    if (!util::write_all(m_stdout.get(), m_stdout_buffer)) {
      throw Error("cannot write " + util::path_join(m_job.artifact_dir, "stdout") + ": " + std::strerror(errno));
    }
    m_stdout_buffer.clear();
  }
}

void ArtifactWriter::write_event(const Json& event) {
  std::optional<std::string> name = checked_name(event);
  if (!name) {
    return;
  }
  m_scratch.clear();
  util::python_dumps(event, m_scratch);
  event_files().replace(*name, m_scratch, 0600);
}

void ArtifactWriter::write_event_text(long counter, const std::string& uuid, std::string_view text) {
  if (std::optional<std::string> name = checked(events::event_file_name(counter, uuid))) {
    event_files().replace(*name, text, 0600);
  }
}

void ArtifactWriter::write_event_text(const Json& event, std::string_view text) {
  if (std::optional<std::string> name = checked_name(event)) {
    event_files().replace(*name, text, 0600);
  }
}

void ArtifactWriter::write_event(const Json& event, events::EventText& text) {
  if (std::optional<std::string> name = checked_name(event)) {
    event_files().replace(
        *name, [&](const util::AtomicDirWriter::Sink& sink) { events::dump_event_streamed(event, text, sink); }, 0600);
  }
}

util::AtomicDirWriter& ArtifactWriter::event_files() {
  if (!m_event_files) {
    m_event_files.emplace(m_job_events_dir);
  }
  return *m_event_files;
}

void ArtifactWriter::write_env_list() {
  if (m_job.env_list) {
    util::write_file(util::path_join(m_job.artifact_dir, "env.list"), *m_job.env_list, 0600);
  }
}

void ArtifactWriter::write_stderr(std::string_view text) {
  if (!m_job.suppress_output_file) {
    util::write_file(util::path_join(m_job.artifact_dir, "stderr"), text, 0666);
  }
}

void ArtifactWriter::write_result(const std::string& status, std::optional<int> rc) {
  flush();
  write_status(status);
  util::write_file(util::path_join(m_job.artifact_dir, "rc"), rc ? std::to_string(*rc) : "None", 0600);
}

void ArtifactWriter::write_status(const std::string& status) {
  util::write_file(util::path_join(m_job.artifact_dir, "status"), status, 0600);
}

void write_fact_cache_file(const std::string& path, const Json& facts) {
  util::make_dirs(util::dirname(path), 0700);
  util::write_file(path, util::python_dumps(facts), 0666);
}

void rotate_artifact_dirs(const std::string& artifact_root, int keep) {
  if (keep < 1) {
    return;
  }
  std::optional<std::vector<util::DirEntry>> listing = util::list_directory(artifact_root);
  if (!listing) {
    return;
  }
  struct Entry {
    std::string path;
    timespec mtime;
  };
  std::vector<Entry> entries;
  for (const util::DirEntry& entry : *listing) {
    std::string path = util::path_join(artifact_root, entry.name);
    struct stat st{};
    // Only artifact dirs rotate. The reference also counts plain files and then crashes on
    // them (NotADirectoryError, the run never ends with a status); we leave them alone.
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      entries.push_back({path, st.st_mtim});
    }
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.mtime.tv_sec != b.mtime.tv_sec ? a.mtime.tv_sec < b.mtime.tv_sec : a.mtime.tv_nsec < b.mtime.tv_nsec;
  });
  if (entries.size() <= static_cast<size_t>(keep)) {
    return;
  }
  size_t remove = entries.size() - static_cast<size_t>(keep);
  for (size_t i = 0; i < remove; ++i) {
    util::remove_tree(entries[i].path, true);
  }
}

} // namespace ansible_runner::artifacts
