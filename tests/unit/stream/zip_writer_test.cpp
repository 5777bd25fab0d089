#include "stream/zip_writer.hpp"

#include <algorithm>
#include <ctime>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <map>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "stream/temp_file.hpp"
#include "stream/zip_extractor.hpp"
#include "stream/zip_writer_format.hpp"
#include "stream_test_util.hpp"
#include "test_util.hpp"
#include "util/fd.hpp"
#include "util/fs.hpp"

using ansible_runner::stream::build_zip;
using ansible_runner::stream::extract_zip;
using ansible_runner::stream::ZipExtraFile;
using ansible_runner::test::TempDir;
namespace util = ansible_runner::util;

namespace {

time_t local_time(int y, int mo, int d, int h, int mi, int s) {
  struct tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  tm.tm_isdst = -1;
  return std::mktime(&tm);
}

void set_mtime(const std::string& path, time_t t) {
  timespec ts[2] = {{t, 0}, {t, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), ts, AT_SYMLINK_NOFOLLOW), 0) << path;
}

void write(const std::string& path, const std::string& content, mode_t mode) {
  util::write_file(path, content, mode);
  ::chmod(path.c_str(), mode);
}

struct EntryInfo {
  zip_uint32_t attributes;
  zip_uint8_t opsys;
  zip_uint16_t method;
  time_t mtime;
  std::string content;
};

// The entries of an archive, in order, as a Python reader would see them.
std::vector<std::pair<std::string, EntryInfo>> list_entries(int fd) {
  std::string bytes = ansible_runner::test::read_all(fd);
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  zip_t* zip = zip_open_from_source(src, ZIP_RDONLY, &error);
  std::vector<std::pair<std::string, EntryInfo>> out;
  if (!zip) {
    zip_source_free(src);
    ADD_FAILURE() << "not a zip";
    return out;
  }
  for (zip_int64_t i = 0; i < zip_get_num_entries(zip, 0); ++i) {
    zip_stat_t sb;
    zip_stat_index(zip, static_cast<zip_uint64_t>(i), 0, &sb);
    EntryInfo info{};
    zip_file_get_external_attributes(zip, static_cast<zip_uint64_t>(i), 0, &info.opsys, &info.attributes);
    info.method = sb.comp_method;
    info.mtime = sb.mtime;
    zip_file_t* f = zip_fopen_index(zip, static_cast<zip_uint64_t>(i), 0);
    char buf[4096];
    zip_int64_t n;
    while ((n = zip_fread(f, buf, sizeof buf)) > 0) {
      info.content.append(buf, static_cast<size_t>(n));
    }
    zip_fclose(f);
    out.emplace_back(sb.name, info);
  }
  zip_close(zip);
  return out;
}

// The sample private data dir most tests zip.
void make_sample(const TempDir& dir) {
  util::make_dirs(dir / "project", 0755);
  util::make_dirs(dir / "inventory", 0755);
  util::make_dirs(dir / "empty", 0750);
  util::make_dirs(dir / "a/b", 0755);
  write(dir / "project/test.yml", "- hosts: all\n", 0644);
  write(dir / "inventory/hosts", "#!/bin/sh\necho {}\n", 0755);
  write(dir / "secret", "s3cr3t", 0600);
  write(dir / "a/b/c.txt", std::string(100000, 'c'), 0444);
  ::symlink("test.yml", (dir / "project/link.yml").c_str());
  ::symlink("project", (dir / "toplink").c_str());
  ::symlink("/etc/hostname", (dir / "a/abs").c_str());
  ::symlink("nothere", (dir / "a/dangling").c_str());
  ::mkfifo((dir / "project/ssh_key_data").c_str(), 0600);
  set_mtime(dir / "project/test.yml", local_time(2001, 2, 3, 4, 5, 6));
  set_mtime(dir / "secret", local_time(1975, 6, 1, 0, 0, 0)); // before DOS time: clamped
  set_mtime(dir / "a/b/c.txt", local_time(2020, 12, 31, 23, 59, 59));
  set_mtime(dir / "empty", local_time(2010, 1, 1, 10, 0, 0));
}

} // namespace

TEST(ZipWriter, EntriesAsTheReferenceWritesThem) {
  TempDir dir;
  make_sample(dir);
  auto zip = build_zip(dir.path());
  auto entries = list_entries(zip.get());
  std::map<std::string, EntryInfo> by_name(entries.begin(), entries.end());

  ASSERT_TRUE(by_name.count("./toplink")) << "top-level symlinks are named ./name";
  EXPECT_EQ(by_name["./toplink"].content, "project");
  EXPECT_EQ(by_name["./toplink"].attributes, 0120777u << 16);
  EXPECT_EQ(by_name["./toplink"].method, ZIP_CM_STORE);
  EXPECT_EQ(by_name["./toplink"].mtime, local_time(1980, 1, 1, 0, 0, 0));
  EXPECT_EQ(by_name["project/link.yml"].content, "test.yml");
  EXPECT_EQ(by_name["a/abs"].content, "/etc/hostname");
  EXPECT_EQ(by_name["a/dangling"].content, "nothere");

  EXPECT_EQ(by_name["inventory/hosts"].attributes, (0100755u << 16));
  EXPECT_EQ(by_name["inventory/hosts"].opsys, ZIP_OPSYS_UNIX);
  EXPECT_EQ(by_name["inventory/hosts"].method, ZIP_CM_STORE) << "18 bytes do not deflate smaller";
  EXPECT_EQ(by_name["a/b/c.txt"].method, ZIP_CM_DEFLATE);
  EXPECT_EQ(by_name["a/b/c.txt"].content, std::string(100000, 'c'));
  EXPECT_EQ(by_name["project/test.yml"].mtime, local_time(2001, 2, 3, 4, 5, 6));
  EXPECT_EQ(by_name["a/b/c.txt"].mtime, local_time(2020, 12, 31, 23, 59, 58)); // 2 s resolution
  EXPECT_EQ(by_name["secret"].mtime, local_time(1980, 1, 1, 0, 0, 0));

  ASSERT_TRUE(by_name.count("empty/"));
  EXPECT_EQ(by_name["empty/"].attributes, (040750u << 16) | 0x10);
  EXPECT_EQ(by_name["empty/"].method, ZIP_CM_STORE);
  EXPECT_FALSE(by_name.count("project/ssh_key_data")) << "FIFOs are skipped";

  // os.walk order: a directory's files (incl. symlinks to files) before its sub-directories
  // (incl. symlinks to directories), and a directory's entry before its content.
  std::vector<std::string> names;
  for (auto& [name, info] : entries) {
    names.push_back(name);
  }
  auto pos = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) - names.begin(); };
  EXPECT_LT(pos("secret"), pos("./toplink"));
  EXPECT_LT(pos("secret"), pos("project/"));
  EXPECT_LT(pos("project/"), pos("project/test.yml"));
  EXPECT_LT(pos("a/"), pos("a/abs"));
  EXPECT_LT(pos("a/abs"), pos("a/b/"));
  EXPECT_LT(pos("a/b/"), pos("a/b/c.txt"));
}

TEST(ZipWriter, RoundTripKeepsModesLinksEmptyDirsAndTimes) {
  TempDir src;
  TempDir dst;
  make_sample(src);
  auto zip = build_zip(src.path());
  extract_zip(zip.get(), dst.path());

  struct stat st{};
  ASSERT_EQ(::lstat((dst / "inventory/hosts").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  ASSERT_EQ(::lstat((dst / "secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ASSERT_EQ(::lstat((dst / "a/b/c.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0444u);
  EXPECT_EQ(st.st_mtime, local_time(2020, 12, 31, 23, 59, 58));
  EXPECT_EQ(util::read_file(dst / "a/b/c.txt"), std::string(100000, 'c'));
  ASSERT_EQ(::lstat((dst / "project/test.yml").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, local_time(2001, 2, 3, 4, 5, 6));

  ASSERT_EQ(::lstat((dst / "empty").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0750u);
  EXPECT_EQ(st.st_mtime, local_time(2010, 1, 1, 10, 0, 0));

  char target[256] = {};
  ASSERT_EQ(::lstat((dst / "toplink").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  ASSERT_GT(::readlink((dst / "toplink").c_str(), target, sizeof target), 0);
  EXPECT_STREQ(target, "project");
  ASSERT_EQ(::lstat((dst / "a/dangling").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  ASSERT_EQ(::lstat((dst / "a/abs").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_FALSE(util::exists(dst / "project/ssh_key_data"));
}

TEST(ZipWriter, EmptyDirGivesThePythonEmptyArchive) {
  TempDir src;
  TempDir dst;
  auto zip = build_zip(src.path());
  std::string bytes = ansible_runner::test::read_all(zip.get());
  EXPECT_EQ(bytes, std::string("PK\x05\x06", 4) + std::string(18, '\0'));
  auto stats = extract_zip(zip.get(), dst.path());
  EXPECT_EQ(stats.entries, 0u);
}

TEST(ZipWriter, ExtraFilesGoIntoTheArchiveNotTheDir) {
  TempDir src;
  util::make_dirs(src / "inventory", 0755);
  write(src / "inventory/hosts", "old", 0644);
  std::vector<ZipExtraFile> extras = {{"env/extravars", "{\"a\": 1}", 0400}, {"inventory/hosts", "new", 0400}};
  auto zip = build_zip(src.path(), extras);
  EXPECT_FALSE(util::exists(src / "env")) << "the sender's dir stays untouched";
  EXPECT_EQ(util::read_file(src / "inventory/hosts"), "old");

  auto entries = list_entries(zip.get());
  std::map<std::string, EntryInfo> by_name(entries.begin(), entries.end());
  ASSERT_TRUE(by_name.count("env/"));
  EXPECT_EQ(by_name["env/"].attributes, (040700u << 16) | 0x10);
  EXPECT_EQ(by_name["env/extravars"].content, "{\"a\": 1}");
  EXPECT_EQ(by_name["env/extravars"].attributes, 0100400u << 16);
  EXPECT_EQ(by_name["inventory/hosts"].content, "new") << "a generated file replaces the one on disk";
  EXPECT_EQ(std::count_if(entries.begin(), entries.end(), [](auto& e) { return e.first == "inventory/hosts"; }), 1);
}

TEST(ZipWriter, ManyFilesStayCheap) {
  TempDir src;
  TempDir dst;
  for (int d = 0; d < 20; ++d) {
    std::string sub = src / ("d" + std::to_string(d));
    util::make_dirs(sub, 0755);
    for (int f = 0; f < 250; ++f) {
      util::write_file(sub + "/f" + std::to_string(f), "content " + std::to_string(f), 0644);
    }
  }
  auto zip = build_zip(src.path());
  auto stats = extract_zip(zip.get(), dst.path());
  EXPECT_EQ(stats.entries, 20u * 251u);
  EXPECT_EQ(util::read_file(dst / "d19/f249"), "content 249");
}

TEST(ZipWriter, StoresWhatDoesNotCompressAndDeflatesTheRest) {
  TempDir src;
  std::string noise;
  uint32_t x = 12345;
  for (size_t i = 0; i < 300000; ++i) {
    x = x * 1103515245u + 12345u;
    noise.push_back(static_cast<char>(x >> 24));
  }
  std::string text;
  while (text.size() < 300000) {
    text += "- name: task " + std::to_string(text.size() % 97) + "\n  debug: msg=hello\n";
  }
  write(src / "small-noise", noise.substr(0, 5000), 0644);
  write(src / "big-noise", noise, 0644);  // streamed: more than one 64 KB probe chunk
  write(src / "small-text", text.substr(0, 5000), 0644);
  write(src / "big-text", text, 0644);
  write(src / "empty", "", 0644);
  write(src / "exact-chunk", text.substr(0, 64 * 1024), 0644);
  auto zip = build_zip(src.path());
  auto entries = list_entries(zip.get());
  std::map<std::string, EntryInfo> by_name(entries.begin(), entries.end());
  EXPECT_EQ(by_name["small-noise"].method, ZIP_CM_STORE);
  EXPECT_EQ(by_name["big-noise"].method, ZIP_CM_STORE);
  EXPECT_EQ(by_name["small-text"].method, ZIP_CM_DEFLATE);
  EXPECT_EQ(by_name["big-text"].method, ZIP_CM_DEFLATE);
  EXPECT_EQ(by_name["exact-chunk"].method, ZIP_CM_DEFLATE);
  EXPECT_EQ(by_name["small-noise"].content, noise.substr(0, 5000));
  EXPECT_EQ(by_name["big-noise"].content, noise);
  EXPECT_EQ(by_name["small-text"].content, text.substr(0, 5000));
  EXPECT_EQ(by_name["big-text"].content, text);
  EXPECT_EQ(by_name["exact-chunk"].content, text.substr(0, 64 * 1024));
  EXPECT_EQ(by_name["empty"].content, "");
  // And our own extractor reads both kinds back.
  TempDir dst;
  extract_zip(zip.get(), dst.path());
  EXPECT_EQ(util::read_file(dst / "big-noise"), noise);
  EXPECT_EQ(util::read_file(dst / "big-text"), text);
}

// Small entries are deflated by igzip when it is installed (stream/igzip.hpp), else by
// libdeflate: both give entries any reader inflates, compressed as much.
TEST(ZipWriter, SmallEntriesDeflateWithOrWithoutIgzip) {
  std::map<bool, size_t> archive_size;
  for (bool igzip : {false, true}) {
    util::UniqueFd fd = ansible_runner::stream::make_anonymous_temp_file();
    std::vector<std::string> texts;
    {
      ansible_runner::stream::ZipFormatWriter writer(fd.get(), igzip);
      for (int i = 0; i < 600; ++i) { // more than two batches: the helper thread takes part
        std::string text;
        while (text.size() < 1000u + static_cast<size_t>(i) * 5) {
          text += "- name: task " + std::to_string(text.size() * static_cast<size_t>(i) % 997) + "\n  debug: msg=hi\n";
        }
        writer.add_buffer("f" + std::to_string(i), text, (S_IFREG | 0644) << 16, std::time(nullptr), true);
        texts.push_back(std::move(text));
      }
      writer.finish();
    }
    archive_size[igzip] = static_cast<size_t>(::lseek(fd.get(), 0, SEEK_END));
    ::lseek(fd.get(), 0, SEEK_SET);
    auto entries = list_entries(fd.get());
    ASSERT_EQ(entries.size(), texts.size());
    for (size_t i = 0; i < texts.size(); ++i) {
      EXPECT_EQ(entries[i].first, "f" + std::to_string(i));
      EXPECT_EQ(entries[i].second.method, ZIP_CM_DEFLATE) << i;
      EXPECT_EQ(entries[i].second.content, texts[i]) << i << (igzip ? " igzip" : " libdeflate");
    }
  }
  EXPECT_LT(archive_size[true], archive_size[false] * 110 / 100);
}

TEST(ZipWriter, LargeFilesAreDeflatedInPiecesIntoOneStream) {
  TempDir src;
  std::string text;
  while (text.size() < 5 * 1024 * 1024) {
    text += "- name: task " + std::to_string(text.size() % 997) + "\n  debug: msg=hello " +
            std::to_string(text.size() * 7919 % 10007) + "\n";
  }
  std::string noise;
  uint32_t x = 99;
  for (size_t i = 0; i < 1500000; ++i) {
    x = x * 1103515245u + 12345u;
    noise.push_back(static_cast<char>(x >> 24));
  }
  const size_t piece = 512 * 1024; // zip_writer_format.cpp k_piece
  std::map<std::string, std::string> files = {
      {"one-piece", text.substr(0, piece)},             // ends exactly at a piece boundary
      {"two-pieces", text.substr(0, 2 * piece)},        // a round ending at a boundary
      {"many-pieces", text.substr(0, 4 * piece + 17)},  // several rounds
      {"just-over", text.substr(0, piece + 1)},
      {"text-then-noise", text.substr(0, 70000) + noise}, // deflated: the probe is text
  };
  for (const auto& [name, content] : files) {
    write(src / name, content, 0644);
  }
  auto zip = build_zip(src.path());
  auto entries = list_entries(zip.get());
  ASSERT_EQ(entries.size(), files.size());
  for (const auto& [name, info] : entries) {
    EXPECT_EQ(info.method, ZIP_CM_DEFLATE) << name;
    EXPECT_TRUE(info.content == files[name]) << name << ": " << info.content.size() << " bytes read back";
  }
  TempDir dst;
  extract_zip(zip.get(), dst.path());
  for (const auto& [name, content] : files) {
    EXPECT_TRUE(util::read_file(dst / name) == content) << name;
  }
}

TEST(ZipWriter, DeflateOnlyWhenItSavesThreePercent) {
  using ansible_runner::stream::worth_deflating;
  EXPECT_TRUE(worth_deflating(1000, 960));
  EXPECT_FALSE(worth_deflating(1000, 970));
  EXPECT_FALSE(worth_deflating(1000, 1010));
  EXPECT_FALSE(worth_deflating(0, 2));
}

TEST(ZipWriter, MoreThan65535EntriesUseZip64Records) {
  TempDir src;
  for (int d = 0; d < 66; ++d) {
    std::string sub = src / ("d" + std::to_string(d));
    util::make_dirs(sub, 0755);
    for (int f = 0; f < 1000; ++f) {
      util::write_file(sub + "/" + std::to_string(f), "", 0644);
    }
  }
  auto zip = build_zip(src.path());
  auto entries = list_entries(zip.get());
  EXPECT_EQ(entries.size(), 66u * 1001u);
  TempDir dst;
  auto stats = extract_zip(zip.get(), dst.path());
  EXPECT_EQ(stats.entries, 66u * 1001u);
  EXPECT_TRUE(util::exists(dst / "d65/999"));
}
