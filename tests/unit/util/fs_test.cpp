#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.hpp"

namespace ansible_runner::util {
namespace {

TEST(Fs, WriteFileNoFollowWritesInPlace) {
  std::string dir = make_temp_dir("fs-test");
  std::string path = path_join(dir, "1-u.json");
  write_file_no_follow(path, "{\"a\": 1}", 0600);
  EXPECT_EQ(read_file(path), "{\"a\": 1}");
  struct stat st{};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  write_file_no_follow(path, "{}", 0600); // truncates
  EXPECT_EQ(read_file(path), "{}");
  EXPECT_FALSE(exists(path + ".tmp"));
  remove_tree(dir);
}

TEST(Fs, WriteFileNoFollowReplacesASymlink) {
  std::string dir = make_temp_dir("fs-test");
  std::string target = path_join(dir, "target");
  write_file(target, "keep", 0600);
  std::string link = path_join(dir, "1-u.json");
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  write_file_no_follow(link, "new", 0600);
  EXPECT_EQ(read_file(target), "keep");
  EXPECT_EQ(read_file(link), "new");
  struct stat st{};
  ASSERT_EQ(::lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  remove_tree(dir);
}

} // namespace
} // namespace ansible_runner::util
