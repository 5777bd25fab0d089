#include "stream/zip_extractor.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <csignal>
#include <filesystem>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "stream/stream_error.hpp"
#include "stream_test_util.hpp"
#include "test_util.hpp"
#include "util/fs.hpp"

using ansible_runner::stream::extract_zip;
using ansible_runner::stream::StreamError;
using ansible_runner::stream::UnzipLimits;
using ansible_runner::test::TempDir;
namespace util = ansible_runner::util;

namespace {

struct Entry {
  std::string name;
  std::string content;
  zip_uint32_t mode = 0100644; // st_mode to put in the external attributes; 0: none
  bool deflate = false;
  time_t mtime = 0; // 0: libzip's (now)
};

// Writes a zip with exactly these entries (hostile ones included) and returns it as an fd.
util::UniqueFd make_zip(const std::vector<Entry>& entries) {
  TempDir dir;
  std::string path = dir / "x.zip";
  int err = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_EXCL, &err);
  EXPECT_NE(zip, nullptr);
  for (const auto& e : entries) {
    zip_int64_t index;
    if (e.name.ends_with('/') && e.content.empty()) {
      index = zip_dir_add(zip, e.name.c_str(), ZIP_FL_ENC_RAW);
    } else {
      zip_source_t* src = zip_source_buffer(zip, e.content.data(), e.content.size(), 0);
      index = zip_file_add(zip, e.name.c_str(), src, ZIP_FL_ENC_RAW);
    }
    EXPECT_GE(index, 0) << e.name << ": " << zip_strerror(zip);
    auto i = static_cast<zip_uint64_t>(index);
    zip_file_set_external_attributes(zip, i, 0, e.mode ? ZIP_OPSYS_UNIX : ZIP_OPSYS_DOS, e.mode << 16);
    zip_set_file_compression(zip, i, e.deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
    if (e.mtime) {
      zip_file_set_mtime(zip, i, e.mtime, 0);
    }
  }
  EXPECT_EQ(zip_close(zip), 0);
  return ansible_runner::test::fd_with(util::read_file(path));
}

mode_t mode_of(const std::string& path) {
  struct stat st{};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_mode;
}

// Each hostile case gets a target inside a sandbox, with an "outside" dir next to it that must
// stay empty.
struct Sandbox {
  TempDir root;
  std::string target = root / "target";
  std::string outside = root / "outside";
  Sandbox() {
    util::make_dirs(target, 0700);
    util::make_dirs(outside, 0700);
  }
  bool outside_empty() const { return !util::exists(outside + "/file") && !util::exists(root / "evil"); }
};

} // namespace

TEST(ZipExtractor, RefusesDotDotNames) {
  for (const char* name : {"../evil", "a/../../evil", "project/../../evil", ".."}) {
    Sandbox box;
    auto zip = make_zip({{name, "x"}});
    EXPECT_THROW(extract_zip(zip.get(), box.target), StreamError) << name;
    EXPECT_TRUE(box.outside_empty()) << name;
  }
}

TEST(ZipExtractor, RefusesAbsoluteNames) {
  Sandbox box;
  auto zip = make_zip({{box.outside + "/file", "x"}});
  EXPECT_THROW(extract_zip(zip.get(), box.target), StreamError);
  EXPECT_TRUE(box.outside_empty());
}

TEST(ZipExtractor, NeverWritesThroughASymlinkFromAnEarlierEntry) {
  Sandbox box;
  // The reference's hole: the link is created, then the next entry is written through it.
  // Ours refuses the archive before writing anything: "project/evil" is a link and a directory.
  auto zip = make_zip({{"project/evil", box.outside, 0120777}, {"project/evil/file", "pwned"}});
  EXPECT_THROW(extract_zip(zip.get(), box.target), StreamError);
  EXPECT_TRUE(box.outside_empty());
  EXPECT_FALSE(util::exists(box.target + "/project"));
}

TEST(ZipExtractor, NeverWritesThroughASymlinkAlreadyInTheTarget) {
  Sandbox box;
  ASSERT_EQ(::symlink(box.outside.c_str(), (box.target + "/project").c_str()), 0);
  auto zip = make_zip({{"project/file", "pwned"}});
  EXPECT_THROW(extract_zip(zip.get(), box.target), StreamError);
  EXPECT_TRUE(box.outside_empty());
}

TEST(ZipExtractor, AFileEntryReplacesASymlinkInsteadOfFollowingIt) {
  Sandbox box;
  util::write_file(box.outside + "/victim", "original", 0600);
  // "./link" names the same path as "link" (libzip refuses exact duplicates).
  auto zip = make_zip({{"link", box.outside + "/victim", 0120777}, {"./link", "replaced", 0100644}});
  extract_zip(zip.get(), box.target);
  EXPECT_EQ(util::read_file(box.outside + "/victim"), "original");
  EXPECT_TRUE(S_ISREG(mode_of(box.target + "/link")));
  EXPECT_EQ(util::read_file(box.target + "/link"), "replaced");
}

TEST(ZipExtractor, RefusesSpecialFiles) {
  for (zip_uint32_t mode : {0020644u, 0060644u, 0010644u, 0140644u}) {
    Sandbox box;
    auto zip = make_zip({{"dev", "", mode}});
    EXPECT_THROW(extract_zip(zip.get(), box.target), StreamError) << std::oct << mode;
    EXPECT_FALSE(util::exists(box.target + "/dev"));
  }
}

TEST(ZipExtractor, EntriesWithoutUnixAttributesGetUsableModes) {
  Sandbox box;
  auto zip = make_zip({{"dir/", "", 0}, {"dir/file", "x", 0}});
  extract_zip(zip.get(), box.target);
  EXPECT_EQ(mode_of(box.target + "/dir") & 07777, 0755u);
  EXPECT_EQ(mode_of(box.target + "/dir/file") & 07777, 0644u) << "the reference gives 000";
}

TEST(ZipExtractor, DropsSetuidAndSetgid) {
  Sandbox box;
  auto zip = make_zip({{"tool", "#!/bin/sh\n", 0106755}});
  extract_zip(zip.get(), box.target);
  EXPECT_EQ(mode_of(box.target + "/tool") & 07777, 0755u);
}

TEST(ZipExtractor, ReadOnlyDirectoryStillReceivesItsFiles) {
  Sandbox box;
  auto zip = make_zip({{"ro/", "", 040500}, {"ro/file", "x", 0100400}});
  extract_zip(zip.get(), box.target);
  EXPECT_EQ(mode_of(box.target + "/ro") & 07777, 0500u);
  EXPECT_EQ(util::read_file(box.target + "/ro/file"), "x");
  ::chmod((box.target + "/ro").c_str(), 0700); // let TempDir clean up
}

TEST(ZipExtractor, CorruptDataIsAnError) {
  Sandbox box;
  std::string content(10000, 'a');
  for (size_t i = 0; i < content.size(); ++i) {
    content[i] = static_cast<char>('a' + (i * 31 % 26));
  }
  auto zip = make_zip({{"file", content, 0100644, false}});
  std::string bytes = ansible_runner::test::read_all(zip.get());
  // Flip a byte in the stored data (after the 30-byte local header and the 4-byte name).
  bytes[30 + 4 + 5000] ^= 0x55;
  auto bad = ansible_runner::test::fd_with(bytes);
  EXPECT_THROW(extract_zip(bad.get(), box.target), StreamError);
}

// Small files are inflated and checked on the helper lanes: the failure still names the entry,
// comes back to the caller, and the corrupt file is never created.
TEST(ZipExtractor, ACorruptSmallFileAmongOthersIsNamedAndNotCreated) {
  Sandbox box;
  std::vector<Entry> items;
  for (int i = 0; i < 200; ++i) {
    items.push_back({"f" + std::to_string(i), std::string(300, static_cast<char>('a' + i % 26)), 0100644, i % 2 == 0});
  }
  items.push_back({"bad", "0123456789abcdef", 0100644, false});
  auto zip = make_zip(items);
  std::string bytes = ansible_runner::test::read_all(zip.get());
  size_t at = bytes.find("0123456789abcdef");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 3] ^= 0x55;
  auto bad = ansible_runner::test::fd_with(bytes);
  try {
    extract_zip(bad.get(), box.target);
    FAIL() << "extracted a corrupt entry";
  } catch (const StreamError& e) {
    EXPECT_NE(std::string(e.what()).find("bad"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("CRC"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(box.target + "/bad"));
}

TEST(ZipExtractor, GarbageAndTruncatedArchivesAreErrors) {
  Sandbox box;
  auto garbage = ansible_runner::test::fd_with("this is not a zip file at all");
  EXPECT_THROW(extract_zip(garbage.get(), box.target), StreamError);
  auto zip = make_zip({{"file", std::string(1000, 'x')}});
  std::string bytes = ansible_runner::test::read_all(zip.get());
  auto truncated = ansible_runner::test::fd_with(bytes.substr(0, bytes.size() - 30));
  EXPECT_THROW(extract_zip(truncated.get(), box.target), StreamError);
  auto empty = ansible_runner::test::fd_with("");
  EXPECT_THROW(extract_zip(empty.get(), box.target), StreamError);
}

TEST(ZipExtractor, Limits) {
  {
    Sandbox box;
    auto zip = make_zip({{"a", "1"}, {"b", "2"}, {"c", "3"}});
    EXPECT_THROW(extract_zip(zip.get(), box.target, UnzipLimits{1000, 2}), StreamError);
  }
  {
    // A small archive that inflates past the limit: counted while writing, not trusted.
    Sandbox box;
    auto zip = make_zip({{"bomb", std::string(4 << 20, '\0'), 0100644, true}});
    EXPECT_LT(ansible_runner::stream::file_size(zip.get()), 100000u);
    EXPECT_THROW(extract_zip(zip.get(), box.target, UnzipLimits{1 << 20, 10}), StreamError);
  }
}

TEST(ZipExtractor, ExistingFifoIsRemovedAndItsEntrySkipped) {
  Sandbox box;
  ASSERT_EQ(::mkfifo((box.target + "/ssh_key_data").c_str(), 0600), 0);
  auto zip = make_zip({{"ssh_key_data", "key"}, {"rc", "0"}});
  extract_zip(zip.get(), box.target);
  EXPECT_FALSE(util::exists(box.target + "/ssh_key_data"));
  EXPECT_EQ(util::read_file(box.target + "/rc"), "0");
}

TEST(ZipExtractor, ExistingDirectoriesAreKept) {
  Sandbox box;
  util::make_dirs(box.target + "/job_events", 0700);
  util::write_file(box.target + "/job_events/1-x.json", "{}", 0600);
  // A directory entry keeps the existing directory's mode; a file entry that would replace it
  // is skipped, as the reference does (one archive naming both is refused: ZipNameCheck).
  for (const Entry& entry : {Entry{"job_events/", "", 040755}, Entry{"job_events", "a file where a dir is", 0100644}}) {
    auto zip = make_zip({entry});
    extract_zip(zip.get(), box.target);
    EXPECT_EQ(mode_of(box.target + "/job_events") & 07777, 0700u);
    EXPECT_EQ(util::read_file(box.target + "/job_events/1-x.json"), "{}");
  }
}

TEST(ZipExtractor, DotSlashNamesAndSymlinkTargetsAreKept) {
  Sandbox box;
  auto zip = make_zip({{"./toplink", "project", 0120777}, {"abs", "/etc/passwd", 0120777}, {"up", "../x", 0120777}});
  extract_zip(zip.get(), box.target);
  char buf[64] = {};
  ASSERT_GT(::readlink((box.target + "/toplink").c_str(), buf, sizeof buf), 0);
  EXPECT_STREQ(buf, "project");
  EXPECT_TRUE(S_ISLNK(mode_of(box.target + "/abs")));
  EXPECT_TRUE(S_ISLNK(mode_of(box.target + "/up")));
}

TEST(ZipExtractor, ManyEntriesLargerThanOneChunkStoredAndDeflated) {
  Sandbox box;
  std::vector<Entry> entries;
  std::vector<std::string> contents;
  for (int i = 0; i < 40; ++i) {
    std::string content;
    size_t size = 1000 + static_cast<size_t>(i) * 9000; // up to ~350 KB: several 64 KB chunks
    for (size_t j = 0; content.size() < size; ++j) {
      content += std::to_string(j * 7919 % 100003 + static_cast<size_t>(i));
    }
    contents.push_back(content);
    entries.push_back({"dir/f" + std::to_string(i), content, 0100640, i % 2 == 0});
  }
  auto zip = make_zip(entries);
  auto stats = extract_zip(zip.get(), box.target);
  EXPECT_EQ(stats.entries, 40u);
  for (int i = 0; i < 40; ++i) {
    std::string path = box.target + "/dir/f" + std::to_string(i);
    EXPECT_EQ(util::read_file(path), contents[static_cast<size_t>(i)]) << i;
    EXPECT_EQ(mode_of(path) & 07777, 0640u);
  }
}

TEST(ZipExtractor, LocalNameDifferentFromTheCentralOneIsAnError) {
  Sandbox box;
  auto zip = make_zip({{"evil", "x"}});
  std::string bytes = ansible_runner::test::read_all(zip.get());
  ASSERT_EQ(bytes.substr(30, 4), "evil");
  bytes[30] = 'l'; // the local header now says "livl"
  auto bad = ansible_runner::test::fd_with(bytes);
  EXPECT_THROW(extract_zip(bad.get(), box.target), StreamError);
  EXPECT_FALSE(util::exists(box.target + "/evil"));
}

TEST(ZipExtractor, UnsupportedCompressionMethodIsAnError) {
  Sandbox box;
  auto zip = make_zip({{"file", "data"}});
  std::string bytes = ansible_runner::test::read_all(zip.get());
  // Method field of the local header (offset 8) and of the central record.
  size_t central = bytes.find("PK\x01\x02");
  ASSERT_NE(central, std::string::npos);
  bytes[8] = 12;  // bzip2
  bytes[central + 10] = 12;
  auto bad = ansible_runner::test::fd_with(bytes);
  EXPECT_THROW(extract_zip(bad.get(), box.target), StreamError);
}

TEST(ZipExtractor, CorruptDeflatedDataIsAnError) {
  std::string content;
  for (int i = 0; content.size() < 20000; ++i) {
    content += "line " + std::to_string(i * 7 % 1000) + "\n";
  }
  auto zip = make_zip({{"file", content, 0100644, true}});
  std::string bytes = ansible_runner::test::read_all(zip.get());
  for (size_t at : {size_t{40}, size_t{200}, size_t{600}}) {
    Sandbox box;
    std::string bad = bytes;
    bad[at] ^= 0x55;
    auto fd = ansible_runner::test::fd_with(bad);
    EXPECT_THROW(extract_zip(fd.get(), box.target), StreamError) << at;
  }
  Sandbox box;
  extract_zip(zip.get(), box.target);
  EXPECT_EQ(util::read_file(box.target + "/file"), content);
}

TEST(ZipExtractor, RepeatedNamesAreRefusedBeforeAnythingIsWritten) {
  Sandbox box;
  auto zip = make_zip({{"first", "x"}, {"aaaa", "one"}, {"bbbb", "two"}});
  std::string bytes = ansible_runner::test::read_all(zip.get());
  for (size_t at = bytes.find("bbbb"); at != std::string::npos; at = bytes.find("bbbb", at)) {
    bytes.replace(at, 4, "aaaa"); // local and central names: two entries named "aaaa"
  }
  auto bad = ansible_runner::test::fd_with(bytes);
  try {
    extract_zip(bad.get(), box.target);
    FAIL() << "extracted an archive with a repeated name";
  } catch (const StreamError& e) {
    EXPECT_STREQ(e.what(), "the zip archive has two entries named 'aaaa'");
  }
  EXPECT_FALSE(util::exists(box.target + "/first"));
  EXPECT_FALSE(util::exists(box.target + "/aaaa"));
}

TEST(ZipExtractor, APathNamedAsFileAndDirectoryIsRefusedBeforeAnythingIsWritten) {
  // Unpacked in order, the second entry of each pair would be dropped or fail half way.
  const std::vector<std::vector<Entry>> cases = {
      {{"first", "x"}, {"d/", "", 040755}, {"d", "file"}},
      {{"first", "x"}, {"d", "file"}, {"d/", "", 040755}},
      {{"first", "x"}, {"d", "file"}, {"d/x", "below"}},
      {{"first", "x"}, {"./d/x", "below"}, {"d", "file"}},
  };
  for (const auto& entries : cases) {
    Sandbox box;
    auto zip = make_zip(entries);
    try {
      extract_zip(zip.get(), box.target);
      ADD_FAILURE() << "extracted " << entries[1].name << " + " << entries[2].name;
    } catch (const StreamError& e) {
      EXPECT_NE(std::string(e.what()).find("both as a file and as a directory"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("'d"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(util::exists(box.target + "/first"));
  }
}

TEST(ZipExtractor, TheSameFileUnderTwoSpellingsIsNoConflict) {
  // "./a" and "a" are one file to every unpacker: the later entry wins, as in the reference.
  Sandbox box;
  auto zip = make_zip({{"a", "one"}, {"./a", "two"}, {"d/", "", 040755}, {"./d//", "", 040755}, {"d/x", "x"}});
  extract_zip(zip.get(), box.target);
  EXPECT_EQ(util::read_file(box.target + "/a"), "two");
  EXPECT_EQ(util::read_file(box.target + "/d/x"), "x");
}

// Small files are created on helper lanes (util::WorkLanes) in batches: every one must arrive
// with its text, mode and time, over what was in the target, before extract_zip returns.
TEST(ZipExtractor, ManySmallFilesKeepTheirTextModeAndTimeAndReplaceWhatWasThere) {
  Sandbox box;
  util::make_dirs(box.target + "/d1", 0700);
  util::write_file(box.target + "/d1/f7", "old text", 0600);                                        // replaced
  ASSERT_EQ(::symlink((box.outside + "/file").c_str(), (box.target + "/d1/f10").c_str()), 0);      // replaced
  util::make_dirs(box.target + "/d1/f13", 0700);                                                     // kept
  ASSERT_EQ(::mkfifo((box.target + "/d1/f16").c_str(), 0600), 0);                                  // removed
  std::vector<Entry> entries;
  const zip_uint32_t modes[] = {0100644, 0100600, 0100755, 0100444, 0100640, 0100000, 0101644};
  const time_t mtime = 1700000000; // even: DOS times have two-second steps
  for (int i = 0; i < 600; ++i) {
    std::string content(static_cast<size_t>(100 + i * 7), static_cast<char>('a' + i % 26));
    content += std::to_string(i);
    entries.push_back({"d" + std::to_string(i % 3) + "/f" + std::to_string(i), content, modes[i % 7], i % 2 == 0,
                       mtime + 2 * i});
  }
  auto zip = make_zip(entries);
  extract_zip(zip.get(), box.target);
  for (int i = 0; i < 600; ++i) {
    std::string path = box.target + "/d" + std::to_string(i % 3) + "/f" + std::to_string(i);
    SCOPED_TRACE(path);
    if (i == 13) {
      EXPECT_TRUE(S_ISDIR(mode_of(path)));
      continue;
    }
    if (i == 16) {
      EXPECT_FALSE(util::exists(path));
      continue;
    }
    ASSERT_TRUE(S_ISREG(mode_of(path)));
    EXPECT_EQ(util::read_file(path), entries[static_cast<size_t>(i)].content);
    EXPECT_EQ(mode_of(path) & 07777, modes[i % 7] & 07777);
    struct stat st{};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mtime, mtime + 2 * i);
  }
  EXPECT_TRUE(box.outside_empty()); // d1/f10 was a symlink: replaced, never followed
}

// A file a lane cannot write fails the unpacking with the entry's name, as on the caller's
// thread. (RLIMIT_FSIZE makes the write fail with EFBIG; SIGXFSZ is ignored meanwhile.)
TEST(ZipExtractor, AFileThatCannotBeWrittenOnALaneIsAnErrorNamingIt) {
  Sandbox box;
  std::vector<Entry> entries;
  for (int i = 0; i < 100; ++i) {
    entries.push_back({"f" + std::to_string(i), std::string(i == 70 ? 5000 : 100, 'x')});
  }
  auto zip = make_zip(entries);
  struct rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old;
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  std::string message;
  try {
    extract_zip(zip.get(), box.target);
  } catch (const StreamError& e) {
    message = e.what();
  }
  ::setrlimit(RLIMIT_FSIZE, &old);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_NE(message.find("zip entry 'f70': cannot write"), std::string::npos) << message;
}

// The same file under two spellings far apart: the later entry still wins, though small files
// are written on lanes in batches. (Here the two would fall in batches of different lanes, whose
// order is a race: an archive naming a file twice is unpacked on the caller's thread instead.)
TEST(ZipExtractor, TheLaterSpellingOfAFileWinsAcrossBatches) {
  Sandbox box;
  std::vector<Entry> entries = {{"a", "one"}};
  for (int i = 0; i < 170; ++i) {
    entries.push_back({"f" + std::to_string(i), std::string(500, 'x')});
  }
  entries.push_back({"./a", "two"});
  auto zip = make_zip(entries);
  extract_zip(zip.get(), box.target);
  EXPECT_EQ(util::read_file(box.target + "/a"), "two");
  EXPECT_EQ(util::read_file(box.target + "/f169"), std::string(500, 'x'));
}
