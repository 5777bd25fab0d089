#include "util/dir_listing.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <memory>
#include <sys/stat.h>

namespace ansible_runner::util {

namespace {

using DirHandle = std::unique_ptr<DIR, int (*)(DIR*)>;

std::optional<std::vector<DirEntry>> read_entries(DirHandle dir) {
  if (!dir) {
    return std::nullopt;
  }
  std::vector<DirEntry> entries;
  int dfd = ::dirfd(dir.get());
  while (dirent* ent = ::readdir(dir.get())) {
    std::string_view name = ent->d_name;
    if (name == "." || name == "..") {
      continue;
    }
    bool is_dir = ent->d_type == DT_DIR;
    if (ent->d_type == DT_LNK || ent->d_type == DT_UNKNOWN) {
      struct stat st{};
      is_dir = ::fstatat(dfd, ent->d_name, &st, 0) == 0 && S_ISDIR(st.st_mode);
    }
    entries.push_back({std::string(name), is_dir, ent->d_type == DT_REG});
  }
  return entries;
}

} // namespace

std::optional<std::vector<DirEntry>> list_directory(const std::string& path) {
  return read_entries(DirHandle(::opendir(path.c_str()), ::closedir));
}

std::optional<std::vector<DirEntry>> list_directory_at(int dir_fd) {
  // fdopendir takes the fd it is given: give it a copy.
  int copy = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) {
    return std::nullopt;
  }
  DirHandle dir(::fdopendir(copy), ::closedir);
  if (!dir) {
    ::close(copy);
    return std::nullopt;
  }
  ::rewinddir(dir.get());
  return read_entries(std::move(dir));
}

} // namespace ansible_runner::util
