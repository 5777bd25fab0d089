#include "util/dir_listing.hpp"

#include <algorithm>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "test_util.hpp"
#include "util/fd.hpp"
#include "util/fs.hpp"

namespace ansible_runner {
namespace {

std::vector<std::string> described(std::vector<util::DirEntry> entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) {
    out.push_back(e.name + (e.is_dir ? " dir" : "") + (e.is_regular ? " regular" : ""));
  }
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace

TEST(DirListing, SaysWhichEntriesAreDirectoriesAndWhichRegularFiles) {
  test::TempDir dir;
  util::write_file(dir / "file", "x");
  ASSERT_EQ(::mkdir((dir / "sub").c_str(), 0700), 0);
  ASSERT_EQ(::symlink("sub", (dir / "to-sub").c_str()), 0);
  ASSERT_EQ(::symlink("file", (dir / "to-file").c_str()), 0);
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
  const std::vector<std::string> expected{"fifo", "file regular", "sub dir", "to-file", "to-sub dir"};
  EXPECT_EQ(described(util::list_directory(dir.path()).value()), expected);

  // Through an fd, which stays open and lists the same again.
  util::UniqueFd fd(::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  ASSERT_TRUE(fd);
  EXPECT_EQ(described(util::list_directory_at(fd.get()).value()), expected);
  EXPECT_EQ(described(util::list_directory_at(fd.get()).value()), expected);
  EXPECT_FALSE(util::list_directory_at(-1).has_value());
  EXPECT_FALSE(util::list_directory(dir / "missing").has_value());
}

} // namespace ansible_runner
