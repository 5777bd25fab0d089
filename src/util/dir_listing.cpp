#include "util/dir_listing.hpp"

#include <dirent.h>
#include <memory>
#include <sys/stat.h>

namespace ansible_runner::util {

std::optional<std::vector<DirEntry>> list_directory(const std::string& path) {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(path.c_str()), ::closedir);
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
    entries.push_back({std::string(name), is_dir});
  }
  return entries;
}

} // namespace ansible_runner::util
