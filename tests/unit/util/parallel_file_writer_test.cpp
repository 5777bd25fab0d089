#include "util/parallel_file_writer.hpp"
#include "util/threads.hpp"

#include <ansible_runner/errors.hpp>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "test_util.hpp"
#include "util/fd.hpp"
#include "util/fs.hpp"

namespace util = ansible_runner::util;
using ansible_runner::Error;
using ansible_runner::test::TempDir;

namespace {

util::UniqueFd open_dir(const std::string& path) {
  return util::UniqueFd(::open(path.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC));
}

class ParallelFileWriterTest : public ::testing::TestWithParam<unsigned> {};

TEST_P(ParallelFileWriterTest, DrainMeansEveryFileIsWrittenWithItsModeAndText) {
  TempDir dir;
  util::UniqueFd fd = open_dir(dir.path());
  util::ParallelFileWriter writer(fd.get(), dir.path(), 0600, GetParam());
  for (int i = 0; i < 2000; ++i) {
    writer.submit(std::to_string(i) + ".json", "event " + std::to_string(i));
  }
  writer.drain();
  for (int i = 0; i < 2000; i += 97) {
    std::string path = dir.path() + "/" + std::to_string(i) + ".json";
    EXPECT_EQ(util::read_file(path), "event " + std::to_string(i));
    struct stat st{};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
}

TEST_P(ParallelFileWriterTest, ARepeatedNameEndsWithTheLastText) {
  TempDir dir;
  util::UniqueFd fd = open_dir(dir.path());
  util::ParallelFileWriter writer(fd.get(), dir.path(), 0600, GetParam());
  for (int round = 0; round < 300; ++round) {
    for (int name = 0; name < 8; ++name) {
      // Longer texts first: a later, shorter write must truncate, not overlay.
      writer.submit("n" + std::to_string(name), std::string(300 - round, 'a' + name) + std::to_string(round));
    }
  }
  writer.drain();
  for (int name = 0; name < 8; ++name) {
    EXPECT_EQ(util::read_file(dir.path() + "/n" + std::to_string(name)), std::string(1, 'a' + name) + "299");
  }
}

TEST_P(ParallelFileWriterTest, AFailureIsThrownAndLaterWritesAreDropped) {
  TempDir dir;
  util::make_dirs(dir.path() + "/taken", 0700); // a directory where a file should go: EISDIR
  util::UniqueFd fd = open_dir(dir.path());
  util::ParallelFileWriter writer(fd.get(), dir.path(), 0600, GetParam());
  bool thrown = false;
  try {
    writer.submit("taken", "x");
    writer.drain();
  } catch (const Error& e) {
    thrown = true;
    EXPECT_NE(std::string(e.what()).find("taken"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(thrown);
  EXPECT_THROW(writer.submit("later", "y"), Error);
  EXPECT_THROW(writer.drain(), Error);
  EXPECT_FALSE(util::exists(dir.path() + "/later"));
}

TEST_P(ParallelFileWriterTest, DestroyingWithoutDrainWaitsForTheWrites) {
  TempDir dir;
  util::UniqueFd fd = open_dir(dir.path());
  {
    util::ParallelFileWriter writer(fd.get(), dir.path(), 0600, GetParam());
    for (int i = 0; i < 500; ++i) {
      writer.submit(std::to_string(i), std::string(1000, 'x'));
    }
  }
  EXPECT_EQ(util::read_file(dir.path() + "/499"), std::string(1000, 'x'));
}

TEST_P(ParallelFileWriterTest, AFileLargerThanTheQueueBoundIsWritten) {
  TempDir dir;
  util::UniqueFd fd = open_dir(dir.path());
  util::ParallelFileWriter writer(fd.get(), dir.path(), 0600, GetParam());
  std::string big(3 * util::WorkLanes::k_max_queued_bytes, 'b');
  writer.submit("small", "s");
  writer.submit("big", big);
  writer.submit("big2", big);
  writer.drain();
  EXPECT_EQ(util::read_file(dir.path() + "/big2"), big);
}

// 1: inline on the caller's thread; 2 and 4: helper threads.
INSTANTIATE_TEST_SUITE_P(Threads, ParallelFileWriterTest, ::testing::Values(1u, 2u, 4u));

TEST(Threads, UsableCoresIsAtLeastOne) { EXPECT_GE(util::usable_cores(), 1u); }

} // namespace
