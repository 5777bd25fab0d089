#include "config/callback_dir.hpp"

#include <climits>
#include <unistd.h>

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

} // namespace ansible_runner::config
