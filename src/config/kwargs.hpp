#pragma once
// The kwargs object: the job's run() keyword arguments as JSON. It is what transmit sends,
// what a worker receives and what the CLI builds from its flags.
#include <string>
#include <vector>

#include <ansible_runner/json.hpp>
#include <ansible_runner/options.hpp>

namespace ansible_runner::config {

// Converts kwargs to RunOptions. Nulls mean "unset". Throws UnknownKwargError for a key that
// neither the reference 2.3 nor upstream 2.4 run() accepts, ConfigurationError for a value of
// the wrong type (naming the key).
RunOptions options_from_kwargs(const Json& kwargs, const std::string& private_data_dir);

// A file that "dump artifacts" would write into the sender's private data dir.
struct GeneratedFile {
  std::string relative_path; // relative to the private data dir, e.g. "env/cmdline"
  std::string content;
  unsigned mode = 0400;
};

// The reference's "dump artifacts" + path relativisation for transmit (private-data-dir.md 6):
// removes the dumped keys from kwargs and returns the files instead of writing them, so the
// sender's private data dir is never modified (the reference mutates it; we do not).
std::vector<GeneratedFile> dump_artifacts_for_transmit(const std::string& private_data_dir,
                                                       Json& kwargs);

} // namespace ansible_runner::config
