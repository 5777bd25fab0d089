#pragma once
// Listing a directory: the one place that opens a DIR*, closed however the caller leaves.
#include <optional>
#include <string>
#include <vector>

namespace ansible_runner::util {

struct DirEntry {
  std::string name;
  bool is_dir;             // as os.scandir's is_dir(): a symlink to a directory counts
  bool is_regular = false; // the listing says a regular file (no symlink followed; may be stale)
};

// The entries of `path` in the OS's order, without "." and ".."; nullopt (errno set) when it
// cannot be listed.
std::optional<std::vector<DirEntry>> list_directory(const std::string& path);
// The same for the directory open as `dir_fd` (left open, its offset moved).
std::optional<std::vector<DirEntry>> list_directory_at(int dir_fd);

} // namespace ansible_runner::util
