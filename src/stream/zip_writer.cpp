#include "stream/zip_writer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

#include "stream/temp_file.hpp"
#include "stream/zip_writer_format.hpp"
#include "util/dir_listing.hpp"
#include "util/fs.hpp"

namespace ansible_runner::stream {
namespace {

constexpr uint32_t k_symlink_attributes = 0120777u << 16;
constexpr uint32_t k_msdos_directory = 0x10;

time_t local_time(int year, int mon, int day, int hour, int min, int sec) {
  struct tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  tm.tm_isdst = -1;
  return std::mktime(&tm);
}

// The walk's view of the archive: entries named as the reference names them; an extra file
// replaces a walked file of the same name (the walked one is skipped).
class ZipArchive {
public:
  ZipArchive(int fd, const std::vector<ZipExtraFile>& extras) : m_format(fd) {
    for (const auto& extra : extras) {
      m_replaced.insert(extra.relative_path);
    }
  }

  bool replaced(const std::string& name) const { return m_replaced.contains(name); }

  // `in` is the regular file `full_path`, as `st` describes it.
  void add_file(const std::string& name, int in, const std::string& full_path, const struct stat& st) {
    m_format.add_file(name, in, full_path, (static_cast<uint32_t>(st.st_mode) & 0xFFFF) << 16,
                      static_cast<time_t>(clamp_to_dos_range(st.st_mtime)), static_cast<uint64_t>(st.st_size));
  }

  void add_buffer(const std::string& name, const std::string& content, uint32_t attributes, time_t mtime,
                  bool deflate, bool replaceable = true) {
    if (replaceable && m_replaced.contains(name)) {
      return;
    }
    m_format.add_buffer(name, content, attributes, static_cast<time_t>(clamp_to_dos_range(mtime)), deflate);
  }

  void add_directory(const std::string& name, mode_t mode, time_t mtime) {
    m_format.add_directory(name, ((static_cast<uint32_t>(mode) & 0xFFFF) << 16) | k_msdos_directory,
                           static_cast<time_t>(clamp_to_dos_range(mtime)));
  }

  void close() { m_format.finish(); }

private:
  ZipFormatWriter m_format;
  std::set<std::string> m_replaced;
};

struct PendingDir {
  std::string path;
  std::string relative; // "" for the root
};

// Opens the directory `path` for the walk: the root as given (os.walk follows it), the others
// without following a symlink that has replaced them since they were listed.
util::UniqueFd open_directory(const std::string& path, bool is_root) {
  return util::UniqueFd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | (is_root ? 0 : O_NOFOLLOW)));
}

// Opens a regular file of the directory `dir` and stats it through its fd: one name lookup. An
// empty fd when it is not (or no longer) a regular file; the caller then looks again.
util::UniqueFd open_regular(int dir, const std::string& name, struct stat& st) {
  // O_NONBLOCK: a FIFO put in the file's place since the listing must not block the open.
  util::UniqueFd in(::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (in && (::fstat(in.get(), &st) != 0 || !S_ISREG(st.st_mode))) {
    in.reset();
  }
  return in;
}

// One directory of the walk, listed through `dir`: its entries into the archive, and the
// directories to descend into appended to `descend` in listing order.
void zip_directory(ZipArchive& archive, int dir, const PendingDir& current, std::vector<PendingDir>& descend) {
  static const time_t symlink_time = local_time(1980, 1, 1, 0, 0, 0);
  // os.walk ignores directories it cannot list; so do we. Split like os.walk: the
  // non-directories, then the directories, each in the OS's order.
  std::vector<util::DirEntry> entries = util::list_directory_at(dir).value_or(std::vector<util::DirEntry>{});
  std::stable_partition(entries.begin(), entries.end(), [](const util::DirEntry& e) { return !e.is_dir; });
  for (const util::DirEntry& entry : entries) {
    const std::string& name = entry.name;
    std::string rel = current.relative.empty() ? name : current.relative + "/" + name;
    std::string full = current.path + "/" + name;
    struct stat st{};
    if (entry.is_regular) {
      if (archive.replaced(rel)) {
        continue;
      }
      if (util::UniqueFd in = open_regular(dir, name, st)) {
        archive.add_file(rel, in.get(), full, st);
        continue;
      }
    }
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      throw Error("cannot stat " + full + ": " + std::strerror(errno));
    }
    if (S_ISLNK(st.st_mode)) {
      std::string target(4096, '\0');
      ssize_t n = ::readlinkat(dir, name.c_str(), target.data(), target.size());
      if (n < 0) {
        throw Error("cannot read symlink " + full + ": " + std::strerror(errno));
      }
      target.resize(static_cast<size_t>(n));
      // os.path.join(relpath(root, root), name) gives "./name" at the top level.
      std::string link_name = current.relative.empty() ? "./" + name : rel;
      archive.add_buffer(link_name, target, k_symlink_attributes, symlink_time, false);
    } else if (S_ISDIR(st.st_mode)) {
      archive.add_directory(rel, st.st_mode, st.st_mtime);
      if (entry.is_dir) {
        descend.push_back({std::move(full), std::move(rel)});
      }
    } else if (S_ISREG(st.st_mode) && !archive.replaced(rel)) {
      util::UniqueFd in = open_regular(dir, name, st);
      if (!in) {
        throw Error("cannot read " + full + ": " + std::strerror(errno ? errno : EINVAL));
      }
      archive.add_file(rel, in.get(), full, st);
    }
    // FIFOs, sockets and devices are skipped: reading them would block or make no sense.
  }
}

void zip_tree(ZipArchive& archive, const std::string& root) {
  std::vector<PendingDir> stack{{root, ""}};
  std::vector<PendingDir> descend;
  while (!stack.empty()) {
    PendingDir current = std::move(stack.back());
    stack.pop_back();
    util::UniqueFd dir = open_directory(current.path, current.relative.empty());
    if (!dir) {
      continue; // os.walk skips a directory it cannot list
    }
    descend.clear();
    zip_directory(archive, dir.get(), current, descend);
    // Depth-first in listing order, like os.walk's recursion.
    for (auto it = descend.rbegin(); it != descend.rend(); ++it) {
      stack.push_back(std::move(*it));
    }
  }
}

void zip_extras(ZipArchive& archive, const std::string& root, const std::vector<ZipExtraFile>& extras) {
  std::set<std::string> added_dirs;
  time_t now = std::time(nullptr);
  for (const auto& extra : extras) {
    // Parent directories the sender does not have get entries of their own, as the reference's
    // dump (mkdir 0700) would have created them before zipping.
    std::string::size_type pos = 0;
    while ((pos = extra.relative_path.find('/', pos)) != std::string::npos) {
      std::string parent = extra.relative_path.substr(0, pos);
      ++pos;
      struct stat st{};
      bool on_disk = !root.empty() && ::lstat((root + "/" + parent).c_str(), &st) == 0;
      if (!on_disk && added_dirs.insert(parent).second) {
        archive.add_directory(parent, S_IFDIR | 0700, now);
      }
    }
    archive.add_buffer(extra.relative_path, extra.content, (S_IFREG | (extra.mode & 07777)) << 16, now, true, false);
  }
}

} // namespace

long long clamp_to_dos_range(long long t) {
  auto tt = static_cast<time_t>(t);
  struct tm tm{};
  if (!::localtime_r(&tt, &tm)) {
    return local_time(1980, 1, 1, 0, 0, 0);
  }
  if (tm.tm_year + 1900 < 1980) {
    return local_time(1980, 1, 1, 0, 0, 0);
  }
  if (tm.tm_year + 1900 > 2107) {
    return local_time(2107, 12, 31, 23, 59, 58);
  }
  return t;
}

util::UniqueFd build_zip(const std::string& root, const std::vector<ZipExtraFile>& extras) {
  util::UniqueFd fd = make_anonymous_temp_file();
  ZipArchive archive(fd.get(), extras);
  if (!root.empty()) {
    zip_tree(archive, root);
  }
  zip_extras(archive, root, extras);
  archive.close();
  return fd;
}

} // namespace ansible_runner::stream
