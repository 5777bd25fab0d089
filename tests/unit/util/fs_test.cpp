#include <gtest/gtest.h>

#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

#include "util/fs.hpp"
#include "util/temp_dir.hpp"

namespace ansible_runner::util {
namespace {

TEST(Fs, WriteFileAtomicRemovesItsTempFileWhenTheWriteFails) {
  std::string dir = make_temp_dir("fs-test");
  std::string path = path_join(dir, "1-u.json");
  // A file size limit makes write() fail (EFBIG) as a full disk would (ENOSPC).
  struct rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit tiny = saved;
  tiny.rlim_cur = 16;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &tiny), 0);
  EXPECT_THROW(write_file_atomic(path, std::string(4096, 'x'), 0600), ansible_runner::Error);
  ::setrlimit(RLIMIT_FSIZE, &saved);
  ::signal(SIGXFSZ, old_handler);
  EXPECT_FALSE(exists(path + ".tmp"));
  EXPECT_FALSE(exists(path));
  remove_tree(dir, true);
}

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

// write_file_atomic's temp name is its own: a symlink planted there is replaced, its target
// left alone.
TEST(Fs, WriteFileAtomicDoesNotWriteThroughASymlinkAtItsTempName) {
  using namespace ansible_runner::util;
  std::string dir = make_temp_dir("fs-test");
  write_file(path_join(dir, "outside"), "keep", 0600);
  ASSERT_EQ(::symlink(path_join(dir, "outside").c_str(), path_join(dir, "main.json.tmp").c_str()), 0);
  write_file_atomic(path_join(dir, "main.json"), "{}", 0600);
  EXPECT_EQ(read_file(path_join(dir, "outside")), "keep");
  EXPECT_EQ(read_file(path_join(dir, "main.json")), "{}");
  EXPECT_FALSE(exists(path_join(dir, "main.json.tmp")));
  remove_tree(dir, true);
}
