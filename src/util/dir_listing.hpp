#pragma once
// Listing a directory: the one place that opens a DIR*, closed however the caller leaves.
#include <optional>
#include <string>
#include <vector>

namespace ansible_runner::util {

struct DirEntry {
  std::string name;
  bool is_dir; // as os.scandir's is_dir(): a symlink to a directory counts
};

// The entries of `path` in the OS's order, without "." and ".."; nullopt (errno set) when it
// cannot be listed.
std::optional<std::vector<DirEntry>> list_directory(const std::string& path);

} // namespace ansible_runner::util
