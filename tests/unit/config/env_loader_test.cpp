#include <fstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include <ansible_runner/errors.hpp>

#include "config/env_loader.hpp"
#include "test_util.hpp"
#include "util/fs.hpp"

namespace ansible_runner::config {
namespace {

void write(const std::string& path, const std::string& text) {
  util::make_dirs(util::dirname(path));
  util::write_file(path, text);
}

TEST(EnvLoader, JsonThenYaml) {
  test::TempDir dir;
  write(dir / "env/a", R"({"k": 1})");
  write(dir / "env/b", "k: v\n");
  EnvLoader loader(dir.path());
  EXPECT_EQ(loader.load_mapping("env/a")->dump(), R"({"k":1})");
  EXPECT_EQ(loader.load_mapping("env/b")->dump(), R"({"k":"v"})");
}

TEST(EnvLoader, AbsentEmptyAndNonMappingAreNullopt) {
  test::TempDir dir;
  write(dir / "env/empty", "");
  write(dir / "env/list", "- a\n- b\n");
  write(dir / "env/text", "just words\n");
  write(dir / "env/json_list", "[1, 2]");
  EnvLoader loader(dir.path());
  EXPECT_FALSE(loader.load_mapping("env/missing"));
  EXPECT_FALSE(loader.load_mapping("env/empty"));
  EXPECT_FALSE(loader.load_mapping("env/list"));
  EXPECT_FALSE(loader.load_mapping("env/text"));
  EXPECT_FALSE(loader.load_mapping("env/json_list"));
}

TEST(EnvLoader, FalsyJsonFallsThroughToYaml) {
  test::TempDir dir;
  write(dir / "env/s", "{}");
  EnvLoader loader(dir.path());
  auto value = loader.load_mapping("env/s");
  ASSERT_TRUE(value);
  EXPECT_TRUE(value->empty());
}

TEST(EnvLoader, NeitherJsonNorYamlNamesFileAndLine) {
  test::TempDir dir;
  write(dir / "env/settings", "ok: 1\nbad: [unclosed\n");
  EnvLoader loader(dir.path());
  try {
    loader.load_mapping("env/settings");
    FAIL() << "expected ConfigurationError";
  } catch (const ConfigurationError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find(dir / "env/settings"), std::string::npos) << message;
    EXPECT_NE(message.find("line "), std::string::npos) << message;
  }
}

TEST(EnvLoader, InvalidUtf8IsAnError) {
  test::TempDir dir;
  write(dir / "env/envvars", "A: ok\nB: \xff\xfe\n");
  EnvLoader loader(dir.path());
  EXPECT_THROW(loader.load_mapping("env/envvars"), ConfigurationError);
}

TEST(EnvLoader, UnreadableFileIsAnError) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "root reads everything";
  }
  test::TempDir dir;
  write(dir / "env/passwords", "a: b\n");
  ::chmod((dir / "env/passwords").c_str(), 0);
  EnvLoader loader(dir.path());
  EXPECT_THROW(loader.load_mapping("env/passwords"), ConfigurationError);
}

TEST(EnvLoader, DirectoryIsAnError) {
  test::TempDir dir;
  util::make_dirs(dir / "env/settings");
  EnvLoader loader(dir.path());
  EXPECT_THROW(loader.load_mapping("env/settings"), ConfigurationError);
}

TEST(EnvLoader, TextFilesAreRaw) {
  test::TempDir dir;
  write(dir / "env/cmdline", "--diff  -e 'a=1'\n");
  EnvLoader loader(dir.path());
  EXPECT_EQ(*loader.load_text("env/cmdline"), "--diff  -e 'a=1'\n");
  EXPECT_FALSE(loader.load_text("env/ssh_key"));
}

TEST(EnvLoader, FifoIsReadOnce) {
  test::TempDir dir;
  util::make_dirs(dir / "env");
  std::string fifo = dir / "env/ssh_key";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] {
    std::ofstream out(fifo);
    out << "KEY";
  });
  EnvLoader loader(dir.path());
  EXPECT_EQ(*loader.load_text("env/ssh_key"), "KEY");
  writer.join();
  // Cached: a second read does not block on the FIFO.
  EXPECT_EQ(*loader.load_text("env/ssh_key"), "KEY");
  EXPECT_FALSE(loader.isfile("env/ssh_key"));
}

TEST(EnvLoader, AbsolutePathsAreKept) {
  test::TempDir dir;
  EnvLoader loader(dir.path());
  EXPECT_EQ(loader.abspath("/etc/x"), "/etc/x");
  EXPECT_EQ(loader.abspath("env/x"), dir / "env/x");
}

} // namespace
} // namespace ansible_runner::config
