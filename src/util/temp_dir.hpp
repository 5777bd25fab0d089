#pragma once
// Temporary files and directories in a given parent, as Python's tempfile.mkdtemp/mkstemp.
#include <optional>
#include <string>

namespace ansible_runner::util {

// The system temp dir as Python's tempfile.gettempdir() picks it: $TMPDIR, $TEMP, $TMP, /tmp.
std::string system_temp_dir();

// mkdtemp(prefix=..., dir=...) with mode 0700; `parent` unset or empty: the system temp dir.
// The one way the runner makes a temp dir (the worker's and process's private data dir, the
// sandbox, a directory-isolation copy, registry auth). Throws ConfigurationError naming the
// parent on failure.
std::string make_temp_dir(const std::string& prefix, const std::optional<std::string>& parent = std::nullopt);

// mkstemp(dir=...): an empty file with mode 0600.
std::string make_temp_file(const std::string& parent);

} // namespace ansible_runner::util
