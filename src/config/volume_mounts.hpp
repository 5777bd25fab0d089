#pragma once
// `-v src:dst[:labels]` arguments of a container command, built as the reference's
// _update_volume_mount_paths and _ensure_path_safe_to_mount do (docs/execution.md 9).
#include <optional>
#include <string>
#include <vector>

namespace ansible_runner::config {

// Throws ConfigurationError when `path` (or, for a file, its directory) is '/', '/home' or
// '/usr'.
void ensure_safe_to_mount(std::string path);

// os.path.abspath(os.path.expanduser(os.path.expandvars(path))).
std::string expand_mount_path(const std::string& path);

class VolumeMounts {
public:
  // Appends to `args`; `workdir` (container_workdir) resolves relative destinations.
  VolumeMounts(std::vector<std::string>& args, std::optional<std::string> workdir)
      : m_args(args), m_workdir(std::move(workdir)) {}

  // A missing source is skipped; a file source mounts its directory (the destination's
  // directory likewise); both sides get a trailing '/'; a pair already in `args` is skipped.
  // `labels` is appended as ":labels" (a leading ':' is not doubled).
  void add(const std::string& src, const std::optional<std::string>& dst, const std::string& labels);

private:
  std::vector<std::string>& m_args;
  std::optional<std::string> m_workdir;
};

} // namespace ansible_runner::config
