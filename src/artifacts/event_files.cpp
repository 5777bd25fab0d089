#include "artifacts/event_files.hpp"

#include <fcntl.h>

#include "util/fs.hpp"

namespace ansible_runner::artifacts {

EventFiles::EventFiles(const std::string& artifact_dir, bool in_order)
    : m_dir(util::path_join(artifact_dir, "job_events") + "/") {
  util::make_dirs(util::path_join(artifact_dir, "job_events"), 0700);
  m_dir_fd = util::UniqueFd(::open(m_dir.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC));
  if (m_dir_fd) {
    m_lanes.emplace(m_dir_fd.get(), m_dir, 0600, in_order ? 1 : 0);
  }
}

void EventFiles::write(std::string_view name, std::string_view text) {
  if (m_lanes) {
    m_lanes->submit(name, text);
    return;
  }
  // job_events/ could not be opened: each write fails with the reason, by name.
  m_path.assign(m_dir).append(name);
  util::write_file_no_follow(m_path, text, 0600);
}

void EventFiles::drain() {
  if (m_lanes) {
    m_lanes->drain();
  }
}

void write_status_file(const std::string& artifact_dir, const std::string& status) {
  util::write_file_no_follow(util::path_join(artifact_dir, "status"), status, 0600);
}

} // namespace ansible_runner::artifacts
