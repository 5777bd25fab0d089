#pragma once
// The worker's administrative modes: capacity info and clean-up (cli.md, worker).
#include <string>
#include <vector>

namespace ansible_runner {

// The YAML flow mapping `worker --worker-info` prints (cpu_count, errors, mem_in_bytes,
// runner_version, uuid), without the trailing blank line.
std::string worker_info();

struct CleanupOptions {
  std::string file_pattern;
  std::vector<std::string> exclude_strings;
  std::vector<std::string> remove_images;
  int grace_period_minutes = 60;
  bool image_prune = false;
  std::string process_isolation_executable = "podman";
};

// Runs `worker cleanup`; prints its report lines to stdout. Returns the exit code.
int worker_cleanup(const CleanupOptions& options);

} // namespace ansible_runner
