#pragma once
// Files the runner generates inside the private data dir (plays, inventory, role playbooks),
// written the way the reference's dump_artifact() does: only when the content differs.
#include <string>

namespace ansible_runner::config {

// Writes `content` to <dir>/<name> unless that file already has exactly this content; creates
// `dir` (0700) if missing. Mode 0600 like upstream main: 2.3.1's 0400 makes a later rewrite
// fail for non-root users. Returns the file's path.
std::string write_generated_file(const std::string& dir, const std::string& name, const std::string& content);

} // namespace ansible_runner::config
