#include "util/fs.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

#include "util/atomic_dir_writer.hpp"
#include "util/fd.hpp"

namespace ansible_runner::util {
namespace fs = std::filesystem;

namespace {
[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw Error(what + " " + path + ": " + std::strerror(errno));
}
} // namespace

void make_dirs(const std::string& path, mode_t mode) {
  if (path.empty()) {
    return;
  }
  struct stat st{};
  if (::stat(path.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      errno = ENOTDIR;
      fail("cannot create directory", path);
    }
    return;
  }
  auto parent = dirname(path);
  if (parent != path) {
    make_dirs(parent, mode);
  }
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
    fail("cannot create directory", path);
  }
}

void write_file(const std::string& path, std::string_view content, mode_t mode) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd) {
    fail("cannot write", path);
  }
  if (!write_all(fd.get(), content)) {
    fail("cannot write", path);
  }
}

void write_file_no_follow(const std::string& path, std::string_view content, mode_t mode) {
  write_file_no_follow_at(AT_FDCWD, path.c_str(), path, content, mode);
}

void write_file_no_follow_at(int dir_fd, const char* name, const std::string& path, std::string_view content,
                             mode_t mode) {
  UniqueFd fd(::openat(dir_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
  if (!fd) {
    if (errno == ELOOP) {
      write_file_atomic(path, content, mode);
      return;
    }
    fail("cannot write", path);
  }
  if (!write_all(fd.get(), content)) {
    fail("cannot write", path);
  }
}

void write_file_atomic(const std::string& path, std::string_view content, mode_t mode) {
  // The named temp file and rename, with its temp name never followed (AtomicDirWriter).
  AtomicDirWriter(dirname(path), false).replace(basename(path), content, mode);
}

std::optional<std::string> read_file_if_exists(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) {
      return std::nullopt;
    }
    fail("cannot read", path);
  }
  std::string out;
  char buf[65536];
  for (;;) {
    long n = read_some(fd.get(), buf, sizeof buf);
    if (n < 0) {
      fail("cannot read", path);
    }
    if (n == 0) {
      break;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::string read_file(const std::string& path) {
  auto content = read_file_if_exists(path);
  if (!content) {
    errno = ENOENT;
    fail("cannot read", path);
  }
  return *content;
}

bool exists(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0;
}

bool is_directory(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::optional<mode_t> current_umask() {
  std::optional<std::string> status = read_file_if_exists("/proc/self/status");
  if (!status) {
    return std::nullopt;
  }
  size_t at = status->find("\nUmask:");
  if (at == std::string::npos) {
    return std::nullopt;
  }
  size_t pos = status->find_first_of("01234567", at + 7);
  mode_t mask = 0;
  size_t digits = 0;
  for (; pos < status->size() && (*status)[pos] >= '0' && (*status)[pos] <= '7'; ++pos, ++digits) {
    mask = static_cast<mode_t>(mask * 8 + static_cast<mode_t>((*status)[pos] - '0'));
  }
  if (digits == 0 || digits > 4) {
    return std::nullopt;
  }
  return mask;
}

void remove_tree(const std::string& path, bool ignore_errors) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec && !ignore_errors) {
    throw Error("cannot remove " + path + ": " + ec.message());
  }
}

std::string path_join(const std::string& a, const std::string& b) {
  if (b.starts_with('/') || a.empty()) {
    return b;
  }
  if (a.ends_with('/')) {
    return a + b;
  }
  return a + "/" + b;
}

std::string expand_user(const std::string& path) {
  if (!path.starts_with('~')) {
    return path;
  }
  if (path.size() > 1 && path[1] != '/') {
    return path; // ~user: not supported, kept as is
  }
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "") + path.substr(1);
}

std::string dirname(const std::string& path) {
  auto pos = path.find_last_of('/');
  if (pos == std::string::npos) {
    return ".";
  }
  if (pos == 0) {
    return "/";
  }
  return path.substr(0, pos);
}

std::string basename(const std::string& path) {
  auto pos = path.find_last_of('/');
  return pos == std::string::npos ? path : path.substr(pos + 1);
}

} // namespace ansible_runner::util
