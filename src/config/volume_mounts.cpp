#include "config/volume_mounts.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <ansible_runner/errors.hpp>

#include "util/fs.hpp"
#include "util/pypath.hpp"

namespace ansible_runner::config {

namespace {

// os.path.expandvars: $NAME and ${NAME} replaced when set, left as written otherwise.
std::string expand_vars(const std::string& s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '$') {
      out += s[i++];
      continue;
    }
    size_t start = i + 1;
    bool braced = start < s.size() && s[start] == '{';
    size_t name_start = braced ? start + 1 : start;
    size_t end = name_start;
    while (end < s.size() && (std::isalnum(static_cast<unsigned char>(s[end])) || s[end] == '_')) {
      ++end;
    }
    if (end == name_start || (braced && (end >= s.size() || s[end] != '}'))) {
      out += s[i++];
      continue;
    }
    std::string name = s.substr(name_start, end - name_start);
    size_t after = braced ? end + 1 : end;
    const char* value = std::getenv(name.c_str());
    out += value ? std::string(value) : s.substr(i, after - i);
    i = after;
  }
  return out;
}

std::string with_trailing_slash(const std::string& path) { return path.ends_with('/') ? path : path + "/"; }

} // namespace

std::string expand_mount_path(const std::string& path) {
  return util::py_abspath(util::expand_user(expand_vars(path)));
}

void ensure_safe_to_mount(std::string path) {
  if (util::py_isfile(path)) {
    path = util::dirname(path);
  }
  std::string slashed = with_trailing_slash(path);
  if (slashed == "/" || slashed == "/home/" || slashed == "/usr/") {
    throw ConfigurationError("When using containerized execution, cannot mount '/' or '/home' or '/usr'");
  }
}

void VolumeMounts::add(const std::string& src, const std::optional<std::string>& dst, const std::string& labels) {
  if (src.empty() || !util::exists(src)) {
    return;
  }
  std::string src_path = expand_mount_path(src);
  std::string dst_path;
  if (!dst) {
    dst_path = src_path;
  } else if (m_workdir && !m_workdir->empty() && !dst->starts_with('/')) {
    dst_path = expand_mount_path(util::path_join(*m_workdir, *dst));
  } else {
    dst_path = expand_mount_path(*dst);
  }
  bool is_dir = util::py_isdir(src_path);
  std::string src_dir = with_trailing_slash(is_dir ? src_path : util::dirname(src_path));
  std::string dst_dir = with_trailing_slash(is_dir ? dst_path : util::dirname(dst_path));
  ensure_safe_to_mount(src_dir);
  ensure_safe_to_mount(dst_dir);
  std::string volume = src_dir + ":" + dst_dir;
  if (!labels.empty()) {
    volume += (labels.starts_with(':') ? "" : ":") + labels;
  }
  if (std::find(m_args.begin(), m_args.end(), volume) == m_args.end()) {
    m_args.insert(m_args.end(), {"-v", volume});
  }
}

} // namespace ansible_runner::config
