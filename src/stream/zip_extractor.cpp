#include "stream/zip_extractor.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <optional>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <ansible_runner/errors.hpp>

#include "stream/stream_error.hpp"
#include "stream/zip_extractor_archive.hpp"
#include "stream/zip_name_check.hpp"
#include "util/excerpt.hpp"
#include "util/fd.hpp"
#include "util/fs.hpp"
#include "util/work_lanes.hpp"

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
      return m_cached->get();
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
      current.reset(::fcntl(m_root, F_DUPFD_CLOEXEC, 0));
      if (!current) {
        fail_errno(entry, "cannot duplicate the target directory fd");
      }
    }
    m_cached = std::make_shared<util::UniqueFd>(std::move(current));
    m_cached_parts = std::move(wanted);
    return m_cached->get();
  }

  // The directory open() returned last, shared with work still to be done in it.
  std::shared_ptr<const util::UniqueFd> shared() const { return m_cached; }

  // Forgets the cached directory (after it may have been replaced).
  void forget() {
    m_cached.reset();
    m_cached_parts.clear();
  }

private:
  int m_root;
  std::shared_ptr<util::UniqueFd> m_cached;
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

// Files up to this size are read on the calling thread, and inflated, checked and created on
// util::WorkLanes: inflating them (a third of unpacking many small files) and making them (open,
// write, mode, time, close: the kernel's work, half of it) spread over the cores.
constexpr uint64_t k_small_file = 64 * 1024;
// Deflate can grow incompressible data a little; an entry whose raw bytes are larger than this
// is not a small file's and takes the calling thread's path.
constexpr uint64_t k_small_raw = k_small_file + 4096;

// A file whose content is in memory, at `leaf` in `parent`: created exclusively, never through
// a symlink. What is there already is handled as the reference does: a FIFO (a leftover
// ssh_key_data) is removed and the entry skipped, a directory is kept and the entry skipped,
// a file or symlink is replaced.
void place_file(int parent, const char* leaf, const std::string& name, std::string_view content, mode_t perms,
                bool created_with_mode, time_t mtime) {
  const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  const mode_t create_mode = created_with_mode ? perms : 0600;
  util::UniqueFd out(::openat(parent, leaf, flags, create_mode));
  if (!out && errno == EEXIST) {
    struct stat existing{};
    if (::fstatat(parent, leaf, &existing, AT_SYMLINK_NOFOLLOW) == 0) {
      if (S_ISFIFO(existing.st_mode)) {
        ::unlinkat(parent, leaf, 0);
        return;
      }
      if (S_ISDIR(existing.st_mode)) {
        return;
      }
    }
    if (::unlinkat(parent, leaf, 0) != 0 && errno != ENOENT) {
      fail_errno(name, "cannot replace the existing file");
    }
    out.reset(::openat(parent, leaf, flags, create_mode));
  }
  if (!out) {
    fail_errno(name, errno == EEXIST ? "cannot create file: it appeared while unpacking" : "cannot create file");
  }
  if (!util::write_all(out.get(), content)) {
    fail_errno(name, "cannot write");
  }
  if (!created_with_mode && ::fchmod(out.get(), perms) != 0) {
    fail_errno(name, "cannot set mode");
  }
  set_mtime(out.get(), mtime);
}

// A small file's raw (stored or deflated) bytes waiting for a lane, with the directory it goes in.
struct SmallFile {
  std::shared_ptr<const util::UniqueFd> dir;
  std::string leaf;
  std::string name; // the entry's, for messages
  std::string raw;
  ZipEntryCheck check;
  mode_t perms = 0;
  bool with_mode = false;
  time_t mtime = 0;
};
constexpr size_t k_batch_files = 32;
constexpr size_t k_batch_bytes = 64 * 1024;

class Extractor {
public:
  Extractor(ZipArchiveReader& zip, int root_fd, const UnzipLimits& limits)
      : m_zip(zip), m_walker(root_fd), m_limits(limits), m_umask(util::current_umask()) {}

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
    // Files on lanes may be written in any order: only where no file is named twice.
    m_small_files_on_lanes = !names.repeats_a_file();
    ZipEntryInfo entry;
    while (m_zip.next(entry)) {
      extract_entry(entry);
    }
    submit_batch();
    lanes([&] { m_lanes.drain(); });
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
    if (kind == EntryKind::file && entry.size <= k_small_file && entry.compressed <= k_small_raw &&
        m_small_files_on_lanes) {
      place_small_file(entry, leaf, perms);
      return;
    }

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

  // A mode the umask leaves alone is given at creation, which saves an fchmod per file.
  bool created_with_mode(mode_t perms) const {
    return m_umask && (perms & ~static_cast<mode_t>(0777)) == 0 && (perms & *m_umask) == 0;
  }

  // Reads the entry's raw bytes here and hands them to a lane, which inflates and checks them
  // before it creates the file: a corrupt entry creates nothing of its own. Its declared size
  // counts against the limit here; the lane makes sure that is the size that comes out.
  void place_small_file(const ZipEntryInfo& entry, const char* leaf, mode_t perms) {
    const std::string& name = entry.name;
    account(name, entry.size);
    uint64_t data = m_zip.locate(entry);
    SmallFile& file = m_batch.emplace_back();
    file.raw = m_zip.read_raw(entry, data);
    file.check = {entry.method, entry.size, entry.crc};
    file.dir = m_walker.shared();
    file.leaf = leaf;
    file.name = name;
    file.perms = perms;
    file.with_mode = created_with_mode(perms);
    file.mtime = entry.mtime;
    m_batch_bytes += name.size() + file.raw.size();
    if (m_batch.size() >= k_batch_files || m_batch_bytes >= k_batch_bytes) {
      submit_batch();
    }
  }

  // The files waiting in m_batch, to one lane as one task: a task per file cost a quarter more
  // CPU than the files themselves in locks and wake-ups.
  void submit_batch() {
    if (m_batch.empty()) {
      return;
    }
    lanes([&] {
      m_lanes.submit(m_next_lane++, m_batch_bytes, [batch = std::move(m_batch)] {
        std::string content;
        for (const SmallFile& file : batch) {
          std::string_view data = decode_whole_entry(file.name, file.check, file.raw, content);
          place_file(file.dir->get(), file.leaf.c_str(), file.name, data, file.perms, file.with_mode, file.mtime);
        }
      });
    });
    m_batch = {};
    m_batch_bytes = 0;
  }

  // A failure on a lane comes back as an ansible_runner::Error carrying the StreamError's text.
  template <typename Fn> void lanes(Fn&& fn) {
    try {
      fn();
    } catch (const StreamError&) {
      throw;
    } catch (const Error& e) {
      throw StreamError(e.what());
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
    const bool with_mode = created_with_mode(perms);
    util::UniqueFd out(::openat(parent, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                                with_mode ? perms : 0600));
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
    if (!with_mode && ::fchmod(out.get(), perms) != 0) {
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
  std::optional<mode_t> m_umask;
  bool m_small_files_on_lanes = false;
  std::vector<SmallFile> m_batch; // small files not yet handed to a lane
  size_t m_batch_bytes = 0;
  size_t m_next_lane = 0;
  util::WorkLanes m_lanes; // last: its threads finish before the members above go
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
