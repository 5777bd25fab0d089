#include "config/callback_dir.hpp"

#include <climits>
#include <filesystem>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

#include "util/fs.hpp"
#include "util/pypath.hpp"

namespace ansible_runner::config {

std::string callback_plugin_dir() {
  constexpr const char* k_suffix = "share/ansible-runner/callback";
  char exe[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    std::string exe_dir = util::py_normpath(std::string(exe, static_cast<size_t>(n)) + "/..");
    for (const std::string& candidate : {exe_dir + "/" + k_suffix, util::py_normpath(exe_dir + "/../" + k_suffix)}) {
      if (util::py_isdir(candidate)) {
        return candidate;
      }
    }
  }
  return AR_INSTALL_DATADIR "/ansible-runner/callback";
}

void copy_callback_plugin_into(const std::string& artifact_dir) {
  namespace fs = std::filesystem;
  std::string target = util::path_join(artifact_dir, "callback");
  std::error_code ec;
  fs::remove_all(target, ec);
  fs::copy(callback_plugin_dir(), target, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec) {
    throw ConfigurationError("cannot copy the callback plugin to " + target + ": " + ec.message());
  }
}

} // namespace ansible_runner::config
