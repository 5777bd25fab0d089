#pragma once
// Scratch files for zip payloads. They are unlinked from the start, so nothing is left behind
// when the process dies (the reference's NamedTemporaryFile leaks on SIGKILL).
#include <cstdint>
#include <string>

#include "util/fd.hpp"

namespace ansible_runner::stream {

// An unnamed read/write file in $TMPDIR (or /tmp). Throws Error on failure.
util::UniqueFd make_anonymous_temp_file();

// A directory removed (recursively) when the object goes away.
class ScratchDir {
public:
  explicit ScratchDir(const std::string& prefix);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return m_path; }

private:
  std::string m_path;
};

// Size of the file behind fd. Throws Error on failure.
uint64_t file_size(int fd);

// Rewinds fd to offset 0. Throws Error on failure.
void rewind_fd(int fd);

} // namespace ansible_runner::stream
