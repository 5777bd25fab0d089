#pragma once
// Where our awx_display callback plugin is installed (the reference uses the directory of its
// Python package instead).
#include <string>

namespace ansible_runner::config {

// Inside a shared object (the Python module ansible_runner/_native*.so) first
// <dir of that object>/display_callback/callback, where the Python package keeps the plugin.
// Then the first existing of <dir of the executable>/share/ansible-runner/callback,
// <dir of the executable>/../share/ansible-runner/callback (build tree and installed layout),
// then the compiled-in <datadir>/ansible-runner/callback (returned even if missing).
std::string callback_plugin_dir();

// Containers: copies the plugin dir to <artifact_dir>/callback with its files' times (so that
// bytecode beside the plugin stays valid), replacing an earlier copy.
// Throws ConfigurationError naming the target on failure.
void copy_callback_plugin_into(const std::string& artifact_dir);

} // namespace ansible_runner::config
