#include "stream/zip_writer.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <ansible_runner/errors.hpp>

#include "stream/temp_file.hpp"
#include "util/fs.hpp"

namespace ansible_runner::stream {
namespace {

// zlib's default level, as Python's zipfile uses; libzip would otherwise pick 9 (slow).
constexpr zip_uint32_t k_deflate_level = 6;
constexpr zip_uint32_t k_symlink_attributes = 0120777u << 16;
constexpr zip_uint32_t k_msdos_directory = 0x10;

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

// Owns the zip_t until close; discards the half-built archive on errors.
class ZipArchive {
public:
  explicit ZipArchive(const std::string& path) : m_path(path) {
    int err = 0;
    m_zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_EXCL, &err);
    if (!m_zip) {
      zip_error_t error;
      zip_error_init_with_code(&error, err);
      std::string msg = zip_error_strerror(&error);
      zip_error_fini(&error);
      throw Error("cannot create zip archive " + path + ": " + msg);
    }
  }
  ~ZipArchive() {
    if (m_zip) {
      zip_discard(m_zip);
    }
  }
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  void add_file(const std::string& name, const std::string& full_path, const struct stat& st) {
    zip_source_t* src = zip_source_file(m_zip, full_path.c_str(), 0, -1);
    if (!src) {
      fail("cannot read " + full_path);
    }
    zip_uint64_t index = add(name, src);
    set_meta(index, (static_cast<zip_uint32_t>(st.st_mode) & 0xFFFF) << 16, st.st_mtime);
    check(zip_set_file_compression(m_zip, index, ZIP_CM_DEFLATE, k_deflate_level), name);
  }

  void add_buffer(const std::string& name, const std::string& content, zip_uint32_t attributes,
                  time_t mtime, bool deflate) {
    // libzip reads the data at close time: hand it a malloc'd copy it frees itself.
    void* copy = std::malloc(content.empty() ? 1 : content.size());
    if (!copy) {
      throw Error("out of memory while zipping " + name);
    }
    std::memcpy(copy, content.data(), content.size());
    zip_source_t* src = zip_source_buffer(m_zip, copy, content.size(), 1);
    if (!src) {
      std::free(copy);
      fail("cannot add " + name);
    }
    zip_uint64_t index = add(name, src);
    set_meta(index, attributes, mtime);
    check(zip_set_file_compression(m_zip, index, deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE,
                                   deflate ? k_deflate_level : 0),
          name);
  }

  void add_directory(const std::string& name, mode_t mode, time_t mtime) {
    zip_int64_t index = zip_dir_add(m_zip, name.c_str(), ZIP_FL_ENC_GUESS);
    if (index < 0) {
      fail("cannot add directory " + name);
    }
    auto i = static_cast<zip_uint64_t>(index);
    set_meta(i, ((static_cast<zip_uint32_t>(mode) & 0xFFFF) << 16) | k_msdos_directory, mtime);
    check(zip_set_file_compression(m_zip, i, ZIP_CM_STORE, 0), name);
  }

  void close() {
    if (zip_close(m_zip) != 0) {
      fail("cannot write zip archive " + m_path);
    }
    m_zip = nullptr;
  }

private:
  zip_uint64_t add(const std::string& name, zip_source_t* src) {
    // OVERWRITE: an extra file replaces the walked file of the same name.
    zip_int64_t index = zip_file_add(m_zip, name.c_str(), src, ZIP_FL_ENC_GUESS | ZIP_FL_OVERWRITE);
    if (index < 0) {
      zip_source_free(src);
      fail("cannot add " + name);
    }
    return static_cast<zip_uint64_t>(index);
  }

  void set_meta(zip_uint64_t index, zip_uint32_t attributes, time_t mtime) {
    check(zip_file_set_external_attributes(m_zip, index, 0, ZIP_OPSYS_UNIX, attributes), "attributes");
    check(zip_file_set_mtime(m_zip, index, static_cast<time_t>(clamp_to_dos_range(mtime)), 0), "mtime");
  }

  void check(int rc, const std::string& what) {
    if (rc != 0) {
      fail("cannot set " + what);
    }
  }

  [[noreturn]] void fail(const std::string& what) { throw Error(what + ": " + zip_strerror(m_zip)); }

  std::string m_path;
  zip_t* m_zip = nullptr;
};

struct DirEntryName {
  std::string name;
  bool is_dir; // as os.scandir's is_dir(): follows symlinks
};

// Lists a directory in the OS's order, split like os.walk: non-directories, then directories.
void list_directory(const std::string& path, std::vector<std::string>& files, std::vector<std::string>& dirs) {
  DIR* dir = ::opendir(path.c_str());
  if (!dir) {
    // os.walk ignores directories it cannot list; so do we.
    return;
  }
  int dfd = ::dirfd(dir);
  while (struct dirent* ent = ::readdir(dir)) {
    std::string name = ent->d_name;
    if (name == "." || name == "..") {
      continue;
    }
    bool is_dir = false;
    if (ent->d_type == DT_DIR) {
      is_dir = true;
    } else if (ent->d_type == DT_LNK || ent->d_type == DT_UNKNOWN) {
      struct stat st{};
      is_dir = ::fstatat(dfd, ent->d_name, &st, 0) == 0 && S_ISDIR(st.st_mode);
    }
    (is_dir ? dirs : files).push_back(std::move(name));
  }
  ::closedir(dir);
}

struct PendingDir {
  std::string path;
  std::string relative; // "" for the root
};

void zip_tree(ZipArchive& archive, const std::string& root) {
  static const time_t symlink_time = local_time(1980, 1, 1, 0, 0, 0);
  std::vector<PendingDir> stack{{root, ""}};
  while (!stack.empty()) {
    PendingDir current = std::move(stack.back());
    stack.pop_back();
    std::vector<std::string> files;
    std::vector<std::string> dirs;
    list_directory(current.path, files, dirs);
    std::vector<PendingDir> descend;
    auto handle = [&](const std::string& name, bool listed_as_dir) {
      std::string full = current.path + "/" + name;
      std::string rel = current.relative.empty() ? name : current.relative + "/" + name;
      struct stat st{};
      if (::lstat(full.c_str(), &st) != 0) {
        throw Error("cannot stat " + full + ": " + std::strerror(errno));
      }
      if (S_ISLNK(st.st_mode)) {
        std::string target(4096, '\0');
        ssize_t n = ::readlink(full.c_str(), target.data(), target.size());
        if (n < 0) {
          throw Error("cannot read symlink " + full + ": " + std::strerror(errno));
        }
        target.resize(static_cast<size_t>(n));
        // os.path.join(relpath(root, root), name) gives "./name" at the top level.
        std::string link_name = current.relative.empty() ? "./" + name : rel;
        archive.add_buffer(link_name, target, k_symlink_attributes, symlink_time, false);
      } else if (S_ISDIR(st.st_mode)) {
        archive.add_directory(rel, st.st_mode, st.st_mtime);
        if (listed_as_dir) {
          descend.push_back({full, rel});
        }
      } else if (S_ISREG(st.st_mode)) {
        archive.add_file(rel, full, st);
      }
      // FIFOs, sockets and devices are skipped: reading them would block or make no sense.
    };
    for (const auto& name : files) {
      handle(name, false);
    }
    for (const auto& name : dirs) {
      handle(name, true);
    }
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
    archive.add_buffer(extra.relative_path, extra.content, (S_IFREG | (extra.mode & 07777)) << 16, now, true);
  }
}

// What Python's zipfile writes for an archive without entries: only the end record.
util::UniqueFd empty_zip() {
  static const char k_end_record[22] = {'P', 'K', 5, 6};
  util::UniqueFd fd = make_anonymous_temp_file();
  if (!util::write_all(fd.get(), std::string_view(k_end_record, sizeof k_end_record))) {
    throw Error(std::string("cannot write an empty zip: ") + std::strerror(errno));
  }
  return fd;
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
  std::string dir = util::make_temp_dir("ansible-runner-zip-");
  std::string path = dir + "/payload.zip";
  util::UniqueFd fd;
  try {
    {
      ZipArchive archive(path);
      if (!root.empty()) {
        zip_tree(archive, root);
      }
      zip_extras(archive, root, extras);
      archive.close();
    }
    fd.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
      // An empty archive: libzip writes no file at all when there are no entries.
      if (errno != ENOENT) {
        throw Error("cannot open " + path + ": " + std::strerror(errno));
      }
    }
  } catch (...) {
    util::remove_tree(dir, true);
    throw;
  }
  util::remove_tree(dir, true);
  if (!fd) {
    return empty_zip();
  }
  return fd;
}

} // namespace ansible_runner::stream
