#pragma once
// The worker's administrative modes: capacity info and clean-up (docs/cli.md, worker).
#include <string>
#include <vector>

namespace ansible_runner {

// The YAML flow mapping `worker --worker-info` prints (cpu_count, errors, mem_in_bytes,
// runner_version, uuid), ending in one "\n"; the command prints it followed by another "\n"
// (Python's print() of safe_dump()). Creates ~/.ansible_runner_uuid (0600) when missing.
std::string worker_info();

struct CleanupOptions {
  std::string file_pattern;
  std::vector<std::string> exclude_strings;
  std::vector<std::string> remove_images;
  int grace_period_minutes = 60;
  bool image_prune = false;
  std::string process_isolation_executable = "podman";
};

// Runs `worker cleanup`; prints its report lines to stdout, refusals and command failures to
// stderr. Returns the exit code (0, or 1 for a refused pattern or a failed engine command).
// Unlike the reference, whose alive test is inverted (cleanup.py is_alive() returns 0 for a live
// pid), a dir is kept when <dir>/pid names a running process and deleted otherwise.
int worker_cleanup(const CleanupOptions& options);

} // namespace ansible_runner
