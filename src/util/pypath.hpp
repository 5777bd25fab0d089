#pragma once
// Path arithmetic as Python's os.path does it. The reference's artifacts (the `command` file,
// status lines) show paths built this way, so the exact string matters, e.g. no trailing
// slash after abspath() and "." for an empty relpath.
#include <string>

namespace ansible_runner::util {

// os.path.normpath: collapses "//", "." and "..", drops a trailing slash; "" -> ".".
std::string py_normpath(const std::string& path);
// os.path.abspath: normpath of the path joined to the current directory.
std::string py_abspath(const std::string& path);
// os.path.realpath: abspath with every existing symlink resolved.
std::string py_realpath(const std::string& path);
// os.path.relpath(path, start) for absolute or cwd-relative inputs.
std::string py_relpath(const std::string& path, const std::string& start);
// os.path.isfile / isdir / exists (all follow symlinks).
bool py_isfile(const std::string& path);
bool py_isdir(const std::string& path);

} // namespace ansible_runner::util
