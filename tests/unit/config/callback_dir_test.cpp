#include "config/callback_dir.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <map>
#include <string>

#include "test_util.hpp"

using ansible_runner::config::callback_plugin_dir;
using ansible_runner::config::copy_callback_plugin_into;
using ansible_runner::test::TempDir;

namespace fs = std::filesystem;

namespace {

// Relative path -> modification time of every regular file under dir.
std::map<std::string, fs::file_time_type> file_times(const fs::path& dir) {
  std::map<std::string, fs::file_time_type> times;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      times[entry.path().lexically_relative(dir).string()] = entry.last_write_time();
    }
  }
  return times;
}

} // namespace

// A container job's copy of the plugin dir keeps its files and their times, so that bytecode
// checked against the source's time (pip's) stays valid in the copy, as in the reference's copy.
TEST(CallbackDir, TheContainerCopyKeepsEveryFileAndItsTime) {
  const fs::path source = callback_plugin_dir();
  ASSERT_TRUE(fs::exists(source / "awx_display.py")) << source;
  TempDir dir;
  copy_callback_plugin_into(dir.path());
  auto copied = file_times(fs::path(dir.path()) / "callback");
  auto original = file_times(source);
  EXPECT_EQ(copied, original);
  EXPECT_TRUE(copied.count("awx_display.py"));
}

TEST(CallbackDir, ACopyReplacesAnEarlierOne) {
  TempDir dir;
  fs::create_directories(fs::path(dir.path()) / "callback" / "stale");
  copy_callback_plugin_into(dir.path());
  EXPECT_FALSE(fs::exists(fs::path(dir.path()) / "callback" / "stale"));
  EXPECT_TRUE(fs::exists(fs::path(dir.path()) / "callback" / "awx_display.py"));
}
