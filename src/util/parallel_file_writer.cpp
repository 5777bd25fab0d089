// ParallelFileWriter: see the header for what it promises.
#include "util/parallel_file_writer.hpp"

#include <functional>

#include "util/fs.hpp"

namespace ansible_runner::util {

ParallelFileWriter::ParallelFileWriter(int dir_fd, std::string dir_path, mode_t mode, unsigned threads)
    : m_dir_fd(dir_fd), m_dir_path(std::move(dir_path)), m_mode(mode), m_lanes(threads) {
  if (!m_dir_path.empty() && m_dir_path.back() != '/') {
    m_dir_path += '/';
  }
}

void ParallelFileWriter::submit(std::string_view name, std::string_view content) {
  const size_t key = std::hash<std::string_view>{}(name);
  const size_t bytes = name.size() + content.size();
  if (m_lanes.runs_inline() || bytes > WorkLanes::k_max_queued_bytes) {
    m_lanes.run_here(key, [&] { write_one(name, content, m_inline_path); });
    return;
  }
  m_lanes.submit(key, bytes, [this, name = std::string(name), content = std::string(content)] {
    thread_local std::string path;
    write_one(name, content, path);
  });
}

void ParallelFileWriter::write_one(std::string_view name, std::string_view content, std::string& path) const {
  path.assign(m_dir_path);
  path += name; // the name ends at path's end: its c_str() is the name's, NUL-terminated
  write_file_no_follow_at(m_dir_fd, path.c_str() + m_dir_path.size(), path, content, m_mode);
}

} // namespace ansible_runner::util
