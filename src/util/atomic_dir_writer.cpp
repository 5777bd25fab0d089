#include "util/atomic_dir_writer.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

namespace ansible_runner::util {

AtomicDirWriter::AtomicDirWriter(std::string dir, bool unnamed)
    : m_dir(std::move(dir)), m_method(unnamed ? Method::unknown : Method::rename) {
  m_dir_fd.reset(::open(m_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!m_dir_fd) {
    throw Error("cannot open " + m_dir + ": " + std::strerror(errno));
  }
}

void AtomicDirWriter::fail(const char* what, std::string_view name) const {
  throw Error(std::string(what) + " " + m_dir + "/" + std::string(name) + ": " + std::strerror(errno));
}

void AtomicDirWriter::replace(std::string_view name, std::string_view content, mode_t mode) {
  replace(name, [content](const Sink& sink) { sink(content); }, mode);
}

void AtomicDirWriter::replace(std::string_view name, const std::function<void(const Sink&)>& produce, mode_t mode) {
  m_name.assign(name);
  if (m_method != Method::rename && replace_unnamed(name, produce, mode)) {
    return;
  }
  replace_named(name, produce, mode);
}

// Links the unnamed file `fd` in as `target`; 0 or the errno. AT_EMPTY_PATH needs
// CAP_DAC_READ_SEARCH; /proc/self/fd/N works for anyone where /proc is mounted.
int AtomicDirWriter::link_as(int fd, const char* target) {
  if (m_method != Method::proc_fd) {
    if (::linkat(fd, "", m_dir_fd.get(), target, AT_EMPTY_PATH) == 0) {
      m_method = Method::empty_path;
      return 0;
    }
    if (errno == EEXIST || m_method == Method::empty_path || (errno != ENOENT && errno != EPERM)) {
      return errno;
    }
  }
  char proc_path[40];
  std::snprintf(proc_path, sizeof proc_path, "/proc/self/fd/%d", fd);
  if (::linkat(AT_FDCWD, proc_path, m_dir_fd.get(), target, AT_SYMLINK_FOLLOW) == 0) {
    m_method = Method::proc_fd;
    return 0;
  }
  return errno;
}

// False (nothing done) when the file must be made the named way: this file system has no
// O_TMPFILE, or nothing can link such a file in.
bool AtomicDirWriter::replace_unnamed(std::string_view name, const std::function<void(const Sink&)>& produce,
                                      mode_t mode) {
  UniqueFd fd(::openat(m_dir_fd.get(), ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, mode));
  if (!fd) {
    if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL || errno == ENOENT) {
      m_method = Method::rename; // the file system cannot: stop asking
      return false;
    }
    fail("cannot write", name);
  }
  if (m_method == Method::unknown) {
    // Whether an unnamed file can be linked in is found out on one of its own before anything
    // is written (a file once linked cannot be linked again after its name goes), so that a
    // way that does not work never costs the content twice.
    UniqueFd probe(::openat(m_dir_fd.get(), ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600));
    constexpr const char* k_probe = ".ansible-runner-link-probe";
    ::unlinkat(m_dir_fd.get(), k_probe, 0);
    if (!probe || link_as(probe.get(), k_probe) != 0) {
      m_method = Method::rename;
      return false;
    }
    ::unlinkat(m_dir_fd.get(), k_probe, 0);
  }
  produce([&](std::string_view piece) {
    if (!write_all(fd.get(), piece)) {
      fail("cannot write", name);
    }
  });
  int err = link_as(fd.get(), m_name.c_str());
  if (err == EEXIST) {
    // linkat does not replace: link it in under the temp name and rename that over the name.
    m_tmp.assign(name).append(".tmp");
    ::unlinkat(m_dir_fd.get(), m_tmp.c_str(), 0);
    err = link_as(fd.get(), m_tmp.c_str());
    if (err == 0 && ::renameat(m_dir_fd.get(), m_tmp.c_str(), m_dir_fd.get(), m_name.c_str()) != 0) {
      err = errno;
      ::unlinkat(m_dir_fd.get(), m_tmp.c_str(), 0);
    }
  }
  if (err != 0) {
    errno = err;
    fail("cannot write", name);
  }
  return true;
}

void AtomicDirWriter::replace_named(std::string_view name, const std::function<void(const Sink&)>& produce,
                                    mode_t mode) {
  m_tmp.assign(name).append(".tmp");
  // Whatever has the temp name (a leftover, a planted symlink) goes; the new one is our own.
  ::unlinkat(m_dir_fd.get(), m_tmp.c_str(), 0);
  UniqueFd fd(::openat(m_dir_fd.get(), m_tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
  if (!fd) {
    fail("cannot write", m_tmp);
  }
  try {
    produce([&](std::string_view piece) {
      if (!write_all(fd.get(), piece)) {
        fail("cannot write", m_tmp);
      }
    });
  } catch (...) {
    // A half-written temp file would hold on to the space a full disk needs for the status.
    ::unlinkat(m_dir_fd.get(), m_tmp.c_str(), 0);
    throw;
  }
  fd.reset();
  if (::renameat(m_dir_fd.get(), m_tmp.c_str(), m_dir_fd.get(), m_name.c_str()) != 0) {
    int saved = errno;
    ::unlinkat(m_dir_fd.get(), m_tmp.c_str(), 0);
    errno = saved;
    fail("cannot rename into", name);
  }
}

} // namespace ansible_runner::util
