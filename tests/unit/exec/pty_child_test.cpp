#include "exec/pty_child.hpp"

#include <gtest/gtest.h>
#include <string>

using ansible_runner::exec::PtyChild;
using ansible_runner::exec::SpawnError;
using ansible_runner::exec::SpawnSpec;

namespace {

SpawnSpec spec_of(std::vector<std::string> argv) {
  SpawnSpec spec;
  spec.argv = std::move(argv);
  spec.env = {"PATH=/usr/bin:/bin"};
  spec.cwd = "/";
  return spec;
}

TEST(PtyChild, MissingExecutableKeepsTheReferenceText) {
  try {
    PtyChild::spawn(spec_of({"no-such-program-here"}));
    FAIL() << "spawned";
  } catch (const SpawnError& e) {
    EXPECT_STREQ(e.what(), "The command was not found or was not executable: no-such-program-here.");
  }
}

// One argument over Linux's 128 KiB per string (a large extravars given with
// suppress_env_files): the kernel's E2BIG is named instead of "not found".
TEST(PtyChild, AnArgumentTooLongForTheKernelSaysSo) {
  try {
    PtyChild::spawn(spec_of({"true", "-e", std::string(200 * 1024, 'x')}));
    FAIL() << "spawned";
  } catch (const SpawnError& e) {
    std::string text = e.what();
    EXPECT_NE(text.find("too long for the kernel (E2BIG"), std::string::npos) << text;
    EXPECT_NE(text.find("the longest 204801 bytes"), std::string::npos) << text;
    EXPECT_LT(text.size(), 400u);
  }
}

TEST(PtyChild, RunsAndReportsTheExitCode) {
  PtyChild child = PtyChild::spawn(spec_of({"sh", "-c", "exit 3"}));
  EXPECT_EQ(child.wait().exit_code, 3);
}

} // namespace
