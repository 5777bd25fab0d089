#include "exec/pipe_child.hpp"

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "test_util.hpp"
#include "util/fs.hpp"

using ansible_runner::exec::PipeLimits;
using ansible_runner::exec::PipeOutcome;
using ansible_runner::exec::PipeSpawnSpec;
using ansible_runner::exec::run_piped;
using ansible_runner::exec::SpawnError;
using ansible_runner::test::TempDir;

namespace {

PipeSpawnSpec sh(const std::string& script) {
  PipeSpawnSpec spec;
  spec.argv = {"sh", "-c", script};
  spec.env = {"PATH=/usr/bin:/bin"};
  return spec;
}

} // namespace

TEST(PipeChild, CapturesStdoutAndStderrSeparately) {
  PipeOutcome o = run_piped(sh("echo out; echo err >&2; exit 4"), {});
  EXPECT_EQ("out\n", o.out);
  EXPECT_EQ("err\n", o.err);
  EXPECT_EQ(4, o.status.exit_code);
  EXPECT_FALSE(o.timed_out);
}

TEST(PipeChild, LargeOutputOnBothPipesDoesNotDeadlock) {
  PipeOutcome o = run_piped(sh("head -c 1000000 /dev/zero; head -c 1000000 /dev/zero >&2"), {});
  EXPECT_EQ(1000000u, o.out.size());
  EXPECT_EQ(1000000u, o.err.size());
}

TEST(PipeChild, SignalDeath) {
  PipeOutcome o = run_piped(sh("kill -TERM $$"), {});
  EXPECT_FALSE(o.status.exit_code.has_value());
  EXPECT_EQ(SIGTERM, o.status.signal);
}

TEST(PipeChild, TimeoutKillsTheChild) {
  PipeLimits limits;
  limits.timeout = 0.3;
  const auto start = std::chrono::steady_clock::now();
  PipeOutcome o = run_piped(sh("echo partial; exec sleep 30"), limits);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_TRUE(o.timed_out);
  EXPECT_EQ(SIGKILL, o.status.signal);
  EXPECT_EQ("partial\n", o.out);
}

TEST(PipeChild, CancelIsPolled) {
  PipeLimits limits;
  int polls = 0;
  limits.should_cancel = [&] { return ++polls >= 3; };
  PipeOutcome o = run_piped(sh("exec sleep 30"), limits);
  EXPECT_TRUE(o.canceled);
  EXPECT_EQ(3, polls);
}

TEST(PipeChild, MissingExecutableAndCwdReadLikePythonErrors) {
  PipeSpawnSpec spec = sh("true");
  spec.argv = {"no-such-program"};
  try {
    run_piped(spec, {});
    FAIL();
  } catch (const SpawnError& e) {
    EXPECT_STREQ("[Errno 2] No such file or directory: 'no-such-program'", e.what());
  }
  spec = sh("true");
  spec.cwd = "/nonexistent-dir";
  try {
    run_piped(spec, {});
    FAIL();
  } catch (const SpawnError& e) {
    EXPECT_STREQ("[Errno 2] No such file or directory: '/nonexistent-dir'", e.what());
  }
}

TEST(PipeChild, GivenFdsAndCwd) {
  TempDir dir;
  ansible_runner::util::write_file(dir / "in", "abc");
  int in = ::open((dir / "in").c_str(), O_RDONLY | O_CLOEXEC);
  int out = ::open((dir / "out").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  PipeSpawnSpec spec = sh("cat; pwd >&2");
  spec.stdin_fd = in;
  spec.stdout_fd = out;
  spec.cwd = dir.path();
  PipeOutcome o = run_piped(spec, {});
  ::close(in);
  ::close(out);
  EXPECT_EQ("", o.out);
  EXPECT_EQ(dir.path() + "\n", o.err);
  EXPECT_EQ("abc", ansible_runner::util::read_file(dir / "out"));
}

TEST(PipeChild, AGrandchildHoldingThePipeDoesNotHoldUsForever) {
  const auto start = std::chrono::steady_clock::now();
  PipeOutcome o = run_piped(sh("echo done; (sleep 20 &) ; exit 0"), {});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(0, o.status.exit_code);
  EXPECT_EQ("done\n", o.out);
}

// The timeout is measured on the loop's clock: one running 100 times faster ends an hour's
// timeout in well under a minute, with no sleep in the test.
TEST(PipeChild, TheTimeoutFollowsTheLoopsClock) {
  using Clock = std::chrono::steady_clock;
  PipeLimits limits;
  limits.timeout = 3600;
  const auto start = Clock::now();
  limits.clock = [start] { return start + (Clock::now() - start) * 100000; };
  PipeOutcome o = run_piped(sh("exec sleep 60"), limits);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
  EXPECT_TRUE(o.timed_out);
  EXPECT_EQ(SIGKILL, o.status.signal);
}
