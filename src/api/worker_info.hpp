#pragma once
// Pieces of `worker --worker-info` (docs/cli.md, worker), separated from the system queries so the
// exact text can be tested.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ansible_runner::api {

struct WorkerInfo {
  long cpu_count = 0;
  std::optional<uint64_t> mem_in_bytes;
  std::vector<std::string> errors;
  std::string runner_version;
  std::optional<std::string> uuid;
};

// The text PyYAML's safe_dump(info, default_flow_style=True) gives: a flow mapping with sorted
// keys, wrapped before a key once the line is longer than 80 columns, ending in "\n".
std::string format_worker_info(const WorkerInfo& info);

// MemTotal of a /proc/meminfo text, in bytes; nullopt when absent.
std::optional<uint64_t> parse_mem_total(const std::string& meminfo);

// The node's persistent id: the stripped content of `path`, or a new UUID4 written there.
// The file's mode is forced to 0600 either way. Throws Error when it cannot be read or written.
std::string ensure_uuid_file(const std::string& path);

} // namespace ansible_runner::api
