#include "util/temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

#include "util/fs.hpp"
#include "util/pypath.hpp"

namespace ansible_runner::util {

std::string system_temp_dir() {
  for (const char* name : {"TMPDIR", "TEMP", "TMP"}) {
    const char* value = std::getenv(name);
    if (value && *value && py_isdir(value)) {
      return py_abspath(value);
    }
  }
  return "/tmp";
}

std::string make_temp_dir(const std::string& prefix, const std::optional<std::string>& parent) {
  std::string dir = parent && !parent->empty() ? *parent : system_temp_dir();
  std::string templ = path_join(py_abspath(dir), prefix + "XXXXXX");
  if (::mkdtemp(templ.data()) == nullptr) {
    throw ConfigurationError("cannot create a temporary directory in " + dir + ": " + std::strerror(errno));
  }
  ::chmod(templ.c_str(), 0700);
  return templ;
}

std::string make_temp_file(const std::string& parent) {
  std::string templ = path_join(parent, "tmpXXXXXX");
  int fd = ::mkstemp(templ.data());
  if (fd < 0) {
    throw ConfigurationError("cannot create a temporary file in " + parent + ": " + std::strerror(errno));
  }
  ::close(fd);
  ::chmod(templ.c_str(), 0600);
  return templ;
}

} // namespace ansible_runner::util
