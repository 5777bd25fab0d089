#include "stream/temp_file.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

#include "util/fs.hpp"
#include "util/temp_dir.hpp"

namespace ansible_runner::stream {
namespace {

std::string temp_root() {
  const char* dir = std::getenv("TMPDIR");
  return dir && *dir ? dir : "/tmp";
}

} // namespace

util::UniqueFd make_anonymous_temp_file() {
  std::string root = temp_root();
  int fd = ::open(root.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) {
    return util::UniqueFd(fd);
  }
  // Some file systems (overlay on old kernels, tmpfs in odd setups) lack O_TMPFILE.
  std::string templ = root + "/ansible-runner-zip-XXXXXX";
  fd = ::mkostemp(templ.data(), O_CLOEXEC);
  if (fd < 0) {
    throw Error("cannot create a temporary file in " + root + ": " + std::strerror(errno));
  }
  ::unlink(templ.c_str());
  return util::UniqueFd(fd);
}

ScratchDir::ScratchDir(const std::string& prefix) : m_path(util::make_temp_dir(prefix)) {}

ScratchDir::~ScratchDir() { util::remove_tree(m_path, true); }

uint64_t file_size(int fd) {
  struct stat st{};
  if (::fstat(fd, &st) != 0) {
    throw Error(std::string("cannot stat temporary file: ") + std::strerror(errno));
  }
  return static_cast<uint64_t>(st.st_size);
}

void rewind_fd(int fd) {
  if (::lseek(fd, 0, SEEK_SET) != 0) {
    throw Error(std::string("cannot rewind temporary file: ") + std::strerror(errno));
  }
}

} // namespace ansible_runner::stream
