#include "config/callback_dir.hpp"

#include <climits>
#include <dlfcn.h>
#include <filesystem>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

#include "util/fs.hpp"
#include "util/pypath.hpp"

namespace ansible_runner::config {

namespace {

// The file this code was loaded from, when that is not the executable (a Python module).
std::string loaded_object_dir() {
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&callback_plugin_dir), &info) == 0 || info.dli_fname == nullptr) {
    return {};
  }
  std::string object = info.dli_fname;
  char exe[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (object.empty() || (n > 0 && util::py_normpath(object) == std::string(exe, static_cast<size_t>(n)))) {
    return {};
  }
  return util::py_normpath(object + "/..");
}

} // namespace

std::string callback_plugin_dir() {
  constexpr const char* k_suffix = "share/ansible-runner/callback";
  if (std::string object_dir = loaded_object_dir(); !object_dir.empty()) {
    std::string candidate = object_dir + "/display_callback/callback";
    if (util::py_isdir(candidate)) {
      return candidate;
    }
  }
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
  const std::string source = callback_plugin_dir();
  fs::copy(source, target, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec) {
    throw ConfigurationError("cannot copy the callback plugin to " + target + ": " + ec.message());
  }
  // The copy keeps the files' times, as the reference's copytree does: bytecode that pip wrote
  // next to the plugin is checked against the source's time, and a stale one is compiled
  // again in every container job. A time that cannot be set costs only that compile.
  for (auto it = fs::recursive_directory_iterator(source, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) {
      std::error_code ignored;
      fs::last_write_time(fs::path(target) / it->path().lexically_relative(source),
                          it->last_write_time(ignored), ignored);
    }
  }
}

} // namespace ansible_runner::config
