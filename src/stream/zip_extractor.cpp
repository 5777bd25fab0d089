#include "stream/zip_extractor.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "stream/stream_error.hpp"
#include "stream/zip_extractor_archive.hpp"
#include "stream/zip_name_check.hpp"
#include "util/excerpt.hpp"
#include "util/fd.hpp"

namespace ansible_runner::stream {
namespace {

// Longest symlink target accepted (PATH_MAX including the terminator).
constexpr uint64_t k_max_link = 4095;

[[noreturn]] void fail(const std::string& entry, const std::string& why) {
  throw StreamError("zip entry " + util::quoted_excerpt(entry) + ": " + why);
}

[[noreturn]] void fail_errno(const std::string& entry, const std::string& what) {
  fail(entry, what + ": " + std::strerror(errno));
}

enum class EntryKind { file, directory, symlink };

// Splits an entry name into path components, dropping empty and "." ones (as Python's zipfile
// does for the written path). Rejects what could leave the target.
std::vector<std::string> split_name(const std::string& name) {
  if (name.starts_with('/')) {
    fail(name, "absolute path");
  }
  std::vector<std::string> parts;
  std::string::size_type start = 0;
  while (start <= name.size()) {
    auto end = name.find('/', start);
    if (end == std::string::npos) {
      end = name.size();
    }
    std::string part = name.substr(start, end - start);
    if (part == "..") {
      fail(name, "path escapes the target directory");
    }
    if (!part.empty() && part != ".") {
      parts.push_back(std::move(part));
    }
    start = end + 1;
  }
  return parts;
}

// Opens directories below a root one component at a time with O_NOFOLLOW, creating missing
// ones, so no symlink (old or planted by an earlier entry) is ever followed. Remembers the last
// directory: archives list siblings together, so most entries reuse it.
class DirWalker {
public:
  explicit DirWalker(int root_fd) : m_root(root_fd) {}

  // The fd of root/parts[0..count), created as needed (mode 0700 until fixed up later).
  int open(const std::vector<std::string>& parts, size_t count, const std::string& entry, bool create) {
    if (m_cached && count == m_cached_parts.size() &&
        std::equal(parts.begin(), parts.begin() + static_cast<long>(count), m_cached_parts.begin())) {
      return m_cached.get();
    }
    std::vector<std::string> wanted(parts.begin(), parts.begin() + static_cast<long>(count));
    util::UniqueFd current;
    int fd = m_root;
    for (const auto& part : wanted) {
      int next = ::openat(fd, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0 && errno == ENOENT && create) {
        if (::mkdirat(fd, part.c_str(), 0700) != 0 && errno != EEXIST) {
          fail_errno(entry, "cannot create directory " + part);
        }
        next = ::openat(fd, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      }
      if (next < 0) {
        if (errno == ELOOP || errno == ENOTDIR) {
          fail(entry, "'" + part + "' is a symlink or not a directory; refusing to write through it");
        }
        fail_errno(entry, "cannot open directory " + part);
      }
      current.reset(next);
      fd = next;
    }
    if (count == 0) {
      m_cached.reset(::dup(m_root));
      if (!m_cached) {
        fail_errno(entry, "cannot duplicate the target directory fd");
      }
      ::fcntl(m_cached.get(), F_SETFD, FD_CLOEXEC);
    } else {
      m_cached = std::move(current);
    }
    m_cached_parts = std::move(wanted);
    return m_cached.get();
  }

  // Forgets the cached directory (after it may have been replaced).
  void forget() {
    m_cached.reset();
    m_cached_parts.clear();
  }

private:
  int m_root;
  util::UniqueFd m_cached;
  std::vector<std::string> m_cached_parts;
};

struct DeferredDir {
  std::vector<std::string> parts;
  std::string name;
  mode_t mode;
  time_t mtime;
};

void set_mtime(int fd, time_t mtime) {
  timespec times[2];
  times[0].tv_sec = mtime;
  times[0].tv_nsec = 0;
  times[1] = times[0];
  ::futimens(fd, times);
}

class Extractor {
public:
  Extractor(ZipArchiveReader& zip, int root_fd, const UnzipLimits& limits)
      : m_zip(zip), m_walker(root_fd), m_limits(limits) {}

  UnzipStats run() {
    uint64_t count = m_zip.entry_count();
    if (count > m_limits.max_entries) {
      throw StreamError("the zip archive has " + std::to_string(count) + " entries, more than the limit of " +
                        std::to_string(m_limits.max_entries));
    }
    ZipNameCheck names;
    m_zip.for_each_name([&](std::string_view name, bool directory) {
      if (std::optional<std::string> problem = names.add(name, directory)) {
        throw StreamError(*problem);
      }
      return true;
    });
    ZipEntryInfo entry;
    while (m_zip.next(entry)) {
      extract_entry(entry);
    }
    finish_directories();
    m_stats.entries = count;
    return m_stats;
  }

private:
  void extract_entry(const ZipEntryInfo& entry) {
    const std::string& name = entry.name;
    if (entry.encrypted()) {
      fail(name, "encrypted entries are not supported");
    }
    auto mode = static_cast<mode_t>(entry.attributes >> 16);

    EntryKind kind = EntryKind::file;
    switch (mode & S_IFMT) {
    case 0:
    case S_IFREG:
      kind = name.ends_with('/') ? EntryKind::directory : EntryKind::file;
      break;
    case S_IFDIR:
      kind = EntryKind::directory;
      break;
    case S_IFLNK:
      if (name.ends_with('/')) {
        fail(name, "a symlink entry named like a directory");
      }
      kind = EntryKind::symlink;
      break;
    default:
      fail(name, "special files (devices, FIFOs, sockets) are not allowed");
    }
    mode_t perms = mode & 07777;
    if (mode == 0) {
      // No Unix attributes (a zip from a non-Unix writer): the reference would chmod to 000.
      perms = kind == EntryKind::directory ? 0755 : 0644;
    }
    perms &= ~static_cast<mode_t>(S_ISUID | S_ISGID);

    std::vector<std::string> parts = split_name(name);
    if (parts.empty()) {
      return; // "./" or "/": the target itself, which exists already
    }
    int parent = m_walker.open(parts, parts.size() - 1, name, true);
    const char* leaf = parts.back().c_str();

    // Most names are new: try the exclusive create first and look at what is there only when
    // it fails (a stat per entry was 8% of unpacking many small files).
    if (kind == EntryKind::file && create_file(entry, parent, leaf, perms)) {
      return;
    }
    struct stat existing{};
    bool exists = ::fstatat(parent, leaf, &existing, AT_SYMLINK_NOFOLLOW) == 0;
    if (exists) {
      if (S_ISFIFO(existing.st_mode)) {
        // A leftover ssh_key_data FIFO: the reference removes it and skips the entry.
        ::unlinkat(parent, leaf, 0);
        return;
      }
      if (S_ISDIR(existing.st_mode)) {
        if (kind == EntryKind::symlink) {
          fail(name, "cannot replace an existing directory by a symlink");
        }
        // The reference keeps existing directories (their mode and time too) and skips files
        // that would replace one.
        return;
      }
      if (kind == EntryKind::directory && !S_ISLNK(existing.st_mode)) {
        fail(name, "a file with this name exists");
      }
      // Replace files and symlinks; never open them (a symlink would be followed).
      if (::unlinkat(parent, leaf, 0) != 0) {
        fail_errno(name, "cannot replace the existing file");
      }
    }

    switch (kind) {
    case EntryKind::directory:
      if (::mkdirat(parent, leaf, 0700) != 0) {
        fail_errno(name, "cannot create directory");
      }
      m_dirs.push_back({parts, name, perms, entry.mtime});
      break;
    case EntryKind::symlink:
      extract_symlink(entry, parent, leaf);
      break;
    case EntryKind::file:
      if (!create_file(entry, parent, leaf, perms)) {
        fail(name, "cannot create file: it appeared while unpacking");
      }
      break;
    }
  }

  void account(const std::string& name, uint64_t bytes) {
    m_stats.bytes += bytes;
    if (m_stats.bytes > m_limits.max_total_bytes) {
      fail(name, "the archive unpacks to more than the limit of " + std::to_string(m_limits.max_total_bytes) +
                     " bytes");
    }
  }

  // Creates and fills the file; false (nothing done) when the name exists already. The entry is
  // checked before anything is created.
  bool create_file(const ZipEntryInfo& entry, int parent, const char* leaf, mode_t perms) {
    const std::string& name = entry.name;
    if (m_stats.bytes + entry.size > m_limits.max_total_bytes) {
      account(name, entry.size);
    }
    uint64_t data = m_zip.locate(entry);
    util::UniqueFd out(::openat(parent, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!out) {
      if (errno == EEXIST) {
        return false;
      }
      fail_errno(name, "cannot create file");
    }
    m_zip.read(entry, data, [&](std::string_view chunk) {
      account(name, chunk.size());
      if (!util::write_all(out.get(), chunk)) {
        fail_errno(name, "cannot write");
      }
    });
    if (::fchmod(out.get(), perms) != 0) {
      fail_errno(name, "cannot set mode");
    }
    set_mtime(out.get(), entry.mtime);
    return true;
  }

  void extract_symlink(const ZipEntryInfo& entry, int parent, const char* leaf) {
    const std::string& name = entry.name;
    if (entry.size > k_max_link) {
      fail(name, "symlink target too long");
    }
    std::string target;
    m_zip.read(entry, m_zip.locate(entry), [&](std::string_view chunk) {
      target.append(chunk);
      if (target.size() > k_max_link) {
        fail(name, "symlink target too long");
      }
    });
    if (target.empty() || target.find('\0') != std::string::npos) {
      fail(name, "invalid symlink target");
    }
    account(name, target.size());
    // Relative and absolute targets are kept, as the reference does: nothing here ever
    // follows them, so they cannot redirect a write.
    if (::symlinkat(target.c_str(), parent, leaf) != 0) {
      fail_errno(name, "cannot create symlink");
    }
  }

  // Directory modes and times last: deepest first, so setting them is not undone by creating
  // children, and a read-only directory was still writable while its entries were unpacked.
  void finish_directories() {
    m_walker.forget();
    for (auto it = m_dirs.rbegin(); it != m_dirs.rend(); ++it) {
      int parent = m_walker.open(it->parts, it->parts.size() - 1, it->name, false);
      const char* leaf = it->parts.back().c_str();
      util::UniqueFd dir(::openat(parent, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!dir) {
        fail_errno(it->name, "cannot open directory");
      }
      if (::fchmod(dir.get(), it->mode) != 0) {
        fail_errno(it->name, "cannot set mode");
      }
      set_mtime(dir.get(), it->mtime);
    }
  }

  ZipArchiveReader& m_zip;
  DirWalker m_walker;
  UnzipLimits m_limits;
  UnzipStats m_stats;
  std::vector<DeferredDir> m_dirs;
};

} // namespace

UnzipStats extract_zip(int zip_fd, const std::string& target_dir, const UnzipLimits& limits) {
  ZipArchiveReader reader(zip_fd);
  util::UniqueFd root(::open(target_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root) {
    throw StreamError("cannot open " + target_dir + ": " + std::strerror(errno));
  }
  Extractor extractor(reader, root.get(), limits);
  return extractor.run();
}

} // namespace ansible_runner::stream
