#include "exec/spawner.hpp"

#include <cerrno>
#include <csignal>
#include <gtest/gtest.h>
#include <string>
#include <unistd.h>

#include "exec/exit_status.hpp"
#include "test_util.hpp"
#include "util/fd.hpp"

using namespace ansible_runner::exec;
using ansible_runner::test::TempDir;
namespace util = ansible_runner::util;

namespace {

struct Ran {
  SpawnOutcome outcome;
  std::string out;
  ExitStatus status;
};

// Spawns `setup` with its stdout on a pipe (unless the setup names one) and reads it to the end.
Ran run_capturing(ChildSetup setup) {
  std::optional<util::Pipe> pipe = util::make_pipe();
  EXPECT_TRUE(pipe);
  if (setup.stdio[1] == k_inherit) {
    setup.stdio[1] = pipe->write.get();
  }
  Ran ran;
  ran.outcome = spawn(setup);
  pipe->write.reset();
  char buf[4096];
  long n = 0;
  while ((n = util::read_some(pipe->read.get(), buf, sizeof buf)) > 0) {
    ran.out.append(buf, static_cast<size_t>(n));
  }
  if (!ran.outcome.failure) {
    ran.status = reap(ran.outcome.pid, true).value_or(ExitStatus{});
  }
  return ran;
}

ChildSetup shell(const std::string& script) {
  ChildSetup setup;
  setup.argv = {"sh", "-c", script};
  setup.env = std::vector<std::string>{"PATH=/usr/bin:/bin"};
  return setup;
}

} // namespace

TEST(Spawner, RunsTheProgramWithItsEnvironmentDirectoryAndStdio) {
  TempDir dir;
  ChildSetup setup = shell("echo \"$GREETING\"; pwd; cat");
  setup.env->push_back("GREETING=hello there");
  setup.cwd = dir.path();
  setup.stdio[0] = k_dev_null; // cat ends at once
  Ran ran = run_capturing(setup);
  ASSERT_FALSE(ran.outcome.failure);
  EXPECT_EQ("hello there\n" + dir.path() + "\n", ran.out);
  EXPECT_EQ(0, ran.status.exit_code);
}

TEST(Spawner, AProgramNotOnThePathIsReportedNotRun) {
  ChildSetup setup;
  setup.argv = {"no-such-program-anywhere"};
  setup.env = std::vector<std::string>{"PATH=/usr/bin:/bin"};
  SpawnOutcome outcome = spawn(setup);
  ASSERT_TRUE(outcome.failure);
  EXPECT_EQ(SpawnStep::resolve, outcome.failure->step);
  EXPECT_EQ(ENOENT, outcome.failure->err);
  EXPECT_EQ(-1, outcome.pid);
}

TEST(Spawner, AMissingWorkingDirectoryNamesTheStep) {
  ChildSetup setup = shell("true");
  setup.cwd = "/nonexistent/directory";
  SpawnOutcome outcome = spawn(setup);
  ASSERT_TRUE(outcome.failure);
  EXPECT_EQ(SpawnStep::chdir, outcome.failure->step);
  EXPECT_EQ(ENOENT, outcome.failure->err);
}

TEST(Spawner, AnArgumentTooLongForTheKernelFailsTheExec) {
  ChildSetup setup = shell("true");
  setup.argv.push_back(std::string(200 * 1024, 'x')); // over Linux's 128 KiB per string
  SpawnOutcome outcome = spawn(setup);
  ASSERT_TRUE(outcome.failure);
  EXPECT_EQ(SpawnStep::exec, outcome.failure->step);
  EXPECT_EQ(E2BIG, outcome.failure->err);
}

TEST(Spawner, ThePassedFdIsThreeAndNothingAboveItIsInherited) {
  std::optional<util::Pipe> extra = util::make_pipe(); // close-on-exec, like every fd of ours
  std::optional<util::Pipe> passed = util::make_pipe();
  ASSERT_TRUE(extra && passed);
  int inheritable = ::dup(extra->read.get()); // no close-on-exec: must still not reach the child
  ChildSetup setup = shell("ls /proc/self/fd | sort -n | tr '\\n' ' '; echo; echo through >&3");
  setup.pass_fd = passed->write.get();
  Ran ran = run_capturing(setup);
  ::close(inheritable);
  passed->write.reset();
  ASSERT_FALSE(ran.outcome.failure);
  // ls's own directory fd appears too; nothing else beyond 0-3.
  EXPECT_TRUE(ran.out.starts_with("0 1 2 3 ")) << ran.out;
  EXPECT_LE(ran.out.size(), std::string("0 1 2 3 4 \n").size()) << ran.out;
  char buf[64] = {};
  EXPECT_EQ(8, util::read_some(passed->read.get(), buf, sizeof buf));
  EXPECT_EQ("through\n", std::string(buf));
}

TEST(Spawner, IgnoredSignalsStayIgnoredAndTheRestAreReset) {
  std::signal(SIGUSR1, SIG_IGN); // ours: the child gets the default back
  ChildSetup setup = shell("grep SigIgn /proc/self/status");
  setup.ignored_signals = {SIGTERM};
  Ran ran = run_capturing(setup);
  std::signal(SIGUSR1, SIG_DFL);
  ASSERT_FALSE(ran.outcome.failure);
  unsigned long long mask = std::stoull(ran.out.substr(ran.out.find(':') + 1), nullptr, 16);
  EXPECT_TRUE(mask & (1ULL << (SIGTERM - 1))) << ran.out;
  EXPECT_FALSE(mask & (1ULL << (SIGUSR1 - 1))) << ran.out;
}

TEST(Spawner, ANewSessionLeadsItself) {
  ChildSetup setup = shell("echo $$; cut -d' ' -f6 /proc/$$/stat");
  setup.new_session = true;
  Ran ran = run_capturing(setup);
  ASSERT_FALSE(ran.outcome.failure);
  std::string pid = std::to_string(ran.outcome.pid);
  EXPECT_EQ(pid + "\n" + pid + "\n", ran.out);
}

TEST(Spawner, NothingOfTheChildRunsBeforeItIsReleased) {
  std::optional<util::Pipe> pipe = util::make_pipe();
  ASSERT_TRUE(pipe);
  ChildSetup setup = shell("echo child");
  setup.stdio[1] = pipe->write.get();
  bool called = false;
  setup.before_release = [&](pid_t pid) {
    called = pid > 0;
    ::usleep(100 * 1000); // the child, were it running, would have written by now
    util::write_all(pipe->write.get(), "parent\n");
  };
  SpawnOutcome outcome = spawn(setup);
  pipe->write.reset();
  ASSERT_FALSE(outcome.failure);
  EXPECT_TRUE(called);
  reap(outcome.pid, true);
  char buf[64] = {};
  EXPECT_EQ(13, util::read_some(pipe->read.get(), buf, sizeof buf));
  EXPECT_EQ("parent\nchild\n", std::string(buf));
}

TEST(Spawner, AFailingReleaseStopsTheChildUnrun) {
  TempDir dir;
  ChildSetup setup = shell("touch ran");
  setup.cwd = dir.path();
  setup.before_release = [](pid_t) { throw std::runtime_error("no guard"); };
  EXPECT_THROW(spawn(setup), std::runtime_error);
  EXPECT_NE(0, ::access((dir.path() + "/ran").c_str(), F_OK));
}
