#pragma once
// The kwargs object: the job's run() keyword arguments as JSON. It is what transmit sends,
// what a worker receives and what the CLI builds from its flags.
#include <string>
#include <vector>

#include <ansible_runner/json.hpp>
#include <ansible_runner/options.hpp>

namespace ansible_runner::config {

// Converts kwargs to RunOptions. Nulls mean "unset" (except fact_cache_type: null disables
// the cache, as in the reference). Accepts every key of the reference 2.3.1 run() and of
// upstream main (handlers, streamer, _input/_output, only_transmit_kwargs, keepalive_seconds,
// debug/logfile/ignore_logging are accepted and ignored). `ident` may be a number; `forks`,
// `limit`, `tags` may be numbers. `private_data_dir` always comes from the argument.
// Throws UnknownKwargError for any other key, ConfigurationError for a value of the wrong
// type (naming the key).
RunOptions options_from_kwargs(const Json& kwargs, const std::string& private_data_dir);

// A file that "dump artifacts" would write into the sender's private data dir.
struct GeneratedFile {
  std::string relative_path; // relative to the private data dir, e.g. "env/cmdline"
  std::string content;
  unsigned mode = 0600;      // upstream main's mode; 2.3.1's 0400 breaks later rewrites
};

// The reference's "dump artifacts" + path relativisation for transmit (docs/private-data-dir.md 6):
// removes the dumped keys from kwargs and returns the files instead of writing them, so the
// sender's private data dir is never modified (the reference mutates it; we do not). The
// caller adds the files to the zip, replacing entries of the same name. Steps: role -> plays
// (+ envvars.ANSIBLE_ROLES_PATH); plays -> project/main.json; mapping inventory ->
// inventory/hosts.json; inventory text -> inventory/hosts; envvars, extravars, passwords,
// settings, ssh_key, cmdline -> env/<key> when truthy and the file does not exist (unless
// suppress_env_files); then playbook, inventory and envvars.ANSIBLE_ROLES_PATH made relative.
std::vector<GeneratedFile> dump_artifacts_for_transmit(const std::string& private_data_dir, Json& kwargs);

// The part of the reference's "dump artifacts" that run() (the library's, the CLI's `run` and the
// worker's) still needs before prepare(): envvars, extravars, passwords, settings (mappings)
// and ssh_key go to <pdd>/env/<key> when non-empty and the file does not exist (unless
// suppress_env_files) and leave the options (cmdline stays in memory); an inventory string that names no existing path
// (as given, or under <pdd>/inventory/) is INI text and is written to <pdd>/inventory/hosts; an
// existing name under <pdd>/inventory/ becomes that absolute path. Plays, a mapping inventory
// and a role prepare() handles.
void dump_artifacts_for_run(RunOptions& options);

} // namespace ansible_runner::config
