#include "api/ssh_key_handover.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.hpp"
#include "util/fd.hpp"

using ansible_runner::api::SshKeyHandover;
using ansible_runner::config::JobConfig;

TEST(SshKeyHandover, FifoCarriesTheKeyAndIsRemoved) {
  ansible_runner::test::TempDir dir;
  JobConfig config;
  config.ssh_key = "PRIVATE KEY\n";
  config.ssh_key_fifo = dir / "ssh_key_data";
  {
    SshKeyHandover handover(config);
    struct stat st{};
    ASSERT_EQ(0, ::lstat(config.ssh_key_fifo.c_str(), &st));
    EXPECT_TRUE(S_ISFIFO(st.st_mode));
    EXPECT_EQ(0600u, st.st_mode & 0777);
    handover.poll(); // no reader yet: nothing happens, nothing blocks
    ansible_runner::util::UniqueFd reader(::open(config.ssh_key_fifo.c_str(), O_RDONLY | O_NONBLOCK));
    ASSERT_TRUE(reader);
    handover.poll();
    char buf[64] = {};
    EXPECT_EQ(12, ::read(reader.get(), buf, sizeof buf));
    EXPECT_STREQ("PRIVATE KEY\n", buf);
  }
  EXPECT_NE(0, ::access(config.ssh_key_fifo.c_str(), F_OK));
}

TEST(SshKeyHandover, NoKeyNoFifo) {
  ansible_runner::test::TempDir dir;
  JobConfig config;
  SshKeyHandover handover(config);
  handover.poll();
  EXPECT_NE(0, ::access((dir / "ssh_key_data").c_str(), F_OK));
}
