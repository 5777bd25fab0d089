#include "exec/group_guard.hpp"

#include <chrono>
#include <csignal>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "exec/pty_child.hpp"
#include "test_util.hpp"

using ansible_runner::exec::PtyChild;
using ansible_runner::exec::SpawnSpec;
using ansible_runner::test::TempDir;

namespace {

// A job whose group holds a process the pty child's PR_SET_PDEATHSIG does not reach: the
// shell's background sleep (a non-interactive shell keeps it in its own group), as Ansible's
// forked workers are. Its pid is written to `pid_file`.
SpawnSpec job_with_background_sleep(const std::string& pid_file, bool wait_for_it) {
  SpawnSpec spec;
  spec.argv = {"sh", "-c", "sleep 300 & echo $! > " + pid_file + (wait_for_it ? "; wait" : "")};
  spec.env = {"PATH=/usr/bin:/bin"};
  return spec;
}

pid_t wait_for_pid_file(const std::string& path) {
  for (int i = 0; i < 1000; ++i) {
    std::ifstream in(path);
    pid_t pid = 0;
    if (in >> pid && pid > 0) {
      return pid;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

// Gone, or a zombie nobody reaps (PID 1 of a container may not).
bool process_gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) {
    return true;
  }
  auto state = line.find(") ");
  return state != std::string::npos && line[state + 2] == 'Z';
}

bool gone_within(pid_t pid, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (process_gone(pid)) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

} // namespace

TEST(GroupGuard, ReleaseReapsTheGuard) {
  // A group of its own: a mistake must not signal the test's (ctest's) group.
  pid_t group = ::fork();
  ASSERT_GE(group, 0);
  if (group == 0) {
    ::setsid();
    ::execl("/bin/sleep", "sleep", "300", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  auto guard = ansible_runner::exec::GroupGuard::start(group);
  ASSERT_TRUE(guard.active());
  pid_t guard_pid = guard.pid();
  // It shows as itself in ps/pgrep, not as a second copy of the runner (it execs sh).
  std::string cmdline;
  for (int i = 0; i < 200 && !cmdline.starts_with("ansible-runner-job-guard"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::ifstream in("/proc/" + std::to_string(guard_pid) + "/cmdline");
    std::getline(in, cmdline, '\0');
  }
  EXPECT_EQ("ansible-runner-job-guard", cmdline);
  guard.release();
  EXPECT_FALSE(guard.active());
  int status = 0;
  EXPECT_EQ(-1, ::waitpid(guard_pid, &status, WNOHANG)); // already reaped by release()
  EXPECT_EQ(0, ::waitpid(group, &status, WNOHANG));      // and the group was left alone
  ::kill(group, SIGKILL);
  ::waitpid(group, &status, 0);
}

TEST(GroupGuard, RunnerKilledTakesTheWholeJobGroupAlong) {
  TempDir dir;
  std::string pid_file = dir.path() + "/sleep.pid";
  pid_t runner = ::fork();
  ASSERT_GE(runner, 0);
  if (runner == 0) {
    PtyChild child = PtyChild::spawn(job_with_background_sleep(pid_file, true));
    ::pause();
    ::_exit(0);
  }
  pid_t sleeper = wait_for_pid_file(pid_file);
  ASSERT_GT(sleeper, 0);
  ::kill(runner, SIGKILL);
  int status = 0;
  ::waitpid(runner, &status, 0);
  bool gone = gone_within(sleeper, std::chrono::seconds(10));
  if (!gone) {
    ::kill(sleeper, SIGKILL);
  }
  EXPECT_TRUE(gone) << "a process of the job's group outlived the SIGKILLed runner";
}

TEST(GroupGuard, ReleasedOnceReapedAndLeavesTheGroupAlone) {
  TempDir dir;
  std::string pid_file = dir.path() + "/sleep.pid";
  PtyChild child = PtyChild::spawn(job_with_background_sleep(pid_file, false));
  pid_t sleeper = wait_for_pid_file(pid_file);
  ASSERT_GT(sleeper, 0);
  EXPECT_EQ(0, child.wait().exit_code);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(process_gone(sleeper)) << "release must not kill the group";
  ::kill(sleeper, SIGKILL);
}
