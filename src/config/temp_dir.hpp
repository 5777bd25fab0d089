#pragma once
// Temporary files and directories in a given parent, as Python's tempfile.mkdtemp/mkstemp.
#include <optional>
#include <string>

namespace ansible_runner::config {

// The system temp dir as Python's tempfile.gettempdir() picks it: $TMPDIR, $TEMP, $TMP, /tmp.
std::string system_temp_dir();

// mkdtemp(prefix=..., dir=...) with mode 0700; `parent` unset: the system temp dir.
// Throws ConfigurationError naming the parent on failure.
std::string make_temp_dir_in(const std::optional<std::string>& parent, const std::string& prefix);

// mkstemp(dir=...): an empty file with mode 0600.
std::string make_temp_file_in(const std::string& parent);

} // namespace ansible_runner::config
