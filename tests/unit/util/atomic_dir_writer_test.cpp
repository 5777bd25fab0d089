// util/atomic_dir_writer: files replaced at once, the unnamed way (O_TMPFILE + linkat) and the
// named way (temp file + rename) giving the same result, nothing left behind.
#include "util/atomic_dir_writer.hpp"

#include <algorithm>
#include <sys/stat.h>
#include <vector>

#include <gtest/gtest.h>

#include <ansible_runner/errors.hpp>

#include "test_util.hpp"
#include "util/dir_listing.hpp"
#include "util/fs.hpp"

namespace ansible_runner::util {
namespace {

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : list_directory(dir).value_or(std::vector<DirEntry>{})) {
    names.push_back(entry.name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

unsigned mode_of(const std::string& path) {
  struct stat st{};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

class AtomicDirWriterTest : public ::testing::TestWithParam<bool> {};

TEST_P(AtomicDirWriterTest, CreatesAndReplacesWithNothingLeftBehind) {
  test::TempDir dir;
  AtomicDirWriter writer(dir.path(), GetParam());
  writer.replace("1-a.json", "{\"first\": 1}", 0600);
  writer.replace("2-b.json", [](const AtomicDirWriter::Sink& sink) {
    sink("{\"in\": ");
    sink("\"pieces\"}");
  }, 0600);
  writer.replace("1-a.json", "{\"second\": 2}", 0600); // the name exists: replaced
  EXPECT_EQ(read_file(dir / "1-a.json"), "{\"second\": 2}");
  EXPECT_EQ(read_file(dir / "2-b.json"), "{\"in\": \"pieces\"}");
  EXPECT_EQ(mode_of(dir / "1-a.json"), 0600u);
  EXPECT_EQ(mode_of(dir / "2-b.json"), 0600u);
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"1-a.json", "2-b.json"}));
}

TEST_P(AtomicDirWriterTest, AFailedWriteLeavesTheOldFileAndNoTempFile) {
  test::TempDir dir;
  AtomicDirWriter writer(dir.path(), GetParam());
  writer.replace("1-a.json", "old", 0600);
  EXPECT_THROW(writer.replace("1-a.json",
                              [](const AtomicDirWriter::Sink& sink) {
                                sink("half");
                                throw Error("the producer failed");
                              },
                              0600),
               Error);
  EXPECT_EQ(read_file(dir / "1-a.json"), "old");
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"1-a.json"}));
}

TEST_P(AtomicDirWriterTest, ASymlinkInTheWayIsReplacedNotFollowed) {
  test::TempDir dir;
  make_dirs(dir / "d", 0700);
  write_file(dir / "outside", "keep", 0600);
  ASSERT_EQ(::symlink((dir / "outside").c_str(), (dir / "d/1-a.json").c_str()), 0);
  ASSERT_EQ(::symlink((dir / "outside").c_str(), (dir / "d/2-b.json.tmp").c_str()), 0);
  AtomicDirWriter writer(dir / "d", GetParam());
  writer.replace("1-a.json", "new", 0600);
  writer.replace("2-b.json", "new too", 0600);
  EXPECT_EQ(read_file(dir / "outside"), "keep");
  EXPECT_EQ(read_file(dir / "d/1-a.json"), "new");
  EXPECT_EQ(read_file(dir / "d/2-b.json"), "new too");
}

TEST(AtomicDirWriter, AMissingDirectoryIsAnErrorNamingIt) {
  test::TempDir dir;
  try {
    AtomicDirWriter writer(dir / "missing");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(UnnamedAndNamed, AtomicDirWriterTest, ::testing::Bool());

} // namespace
} // namespace ansible_runner::util
