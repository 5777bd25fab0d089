#include <fcntl.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "artifacts/artifact_writer.hpp"
#include "test_util.hpp"
#include "util/fs.hpp"

namespace ansible_runner::artifacts {
namespace {

// Sets a path's mtime to `seconds` after the epoch, so the order does not depend on timing.
void set_mtime(const std::string& path, long seconds) {
  timespec times[2] = {{seconds, 0}, {seconds, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << path;
}

TEST(RotateArtifactDirs, KeepsTheNewestDirsAndLeavesPlainFiles) {
  test::TempDir root;
  for (int i = 1; i <= 4; ++i) {
    std::string dir = root / ("run" + std::to_string(i));
    util::make_dirs(dir);
    util::write_file(dir + "/rc", "0");
    set_mtime(dir, 1000 + i);
  }
  util::write_file(root / "stray.txt", "not an artifact dir");
  set_mtime(root / "stray.txt", 1);
  rotate_artifact_dirs(root.path(), 2);
  EXPECT_FALSE(util::exists(root / "run1"));
  EXPECT_FALSE(util::exists(root / "run2"));
  EXPECT_TRUE(util::exists(root / "run3/rc"));
  EXPECT_TRUE(util::exists(root / "run4/rc"));
  EXPECT_TRUE(util::exists(root / "stray.txt"));
}

TEST(RotateArtifactDirs, ZeroKeepsEverything) {
  test::TempDir root;
  util::make_dirs(root / "a");
  util::make_dirs(root / "b");
  rotate_artifact_dirs(root.path(), 0);
  EXPECT_TRUE(util::exists(root / "a"));
  EXPECT_TRUE(util::exists(root / "b"));
}

} // namespace
} // namespace ansible_runner::artifacts
