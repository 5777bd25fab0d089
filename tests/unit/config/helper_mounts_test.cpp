#include "config/helper_mounts.hpp"

#include <cstdlib>
#include <gtest/gtest.h>

#include "test_util.hpp"
#include "util/fs.hpp"

using ansible_runner::config::add_helper_mounts;
using ansible_runner::config::ContainerSpec;
using ansible_runner::config::helper_playbook_path;
using ansible_runner::config::HelperContainer;
using ansible_runner::config::VolumeMounts;
using ansible_runner::test::TempDir;
using Args = std::vector<std::string>;

namespace {

// Restores an environment variable when the test ends.
class ScopedEnv {
public:
  ScopedEnv(const char* name, const std::string& value) : m_name(name) {
    if (const char* old = std::getenv(name)) {
      m_old = old;
    }
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (m_old) {
      ::setenv(m_name, m_old->c_str(), 1);
    } else {
      ::unsetenv(m_name);
    }
  }

private:
  const char* m_name;
  std::optional<std::string> m_old;
};

Args mounts_for(const TempDir& dir, const std::string& executable, const Args& argv, bool ansible = true) {
  ContainerSpec spec;
  spec.executable = executable;
  spec.private_data_dir = dir / "pdd";
  spec.helper = HelperContainer{ansible, Args(argv.begin() + 1, argv.end())};
  Args args;
  VolumeMounts mounts(args, std::nullopt);
  add_helper_mounts(args, mounts, spec, argv);
  return args;
}

} // namespace

TEST(HelperMounts, PlaybookPathAsTheReferenceFindsIt) {
  EXPECT_EQ("site.yml", helper_playbook_path({"site.yml"}));
  EXPECT_EQ("site.yml", helper_playbook_path({"-i", "inv", "site.yml"}));
  EXPECT_EQ("site.yml", helper_playbook_path({"site.yml", "-v"}));
  // A bare argument after an option is taken for the option's value (checked against 2.3.1).
  EXPECT_EQ("", helper_playbook_path({"-v", "-i", "inv", "--check", "site.yml"}));
  EXPECT_EQ("site.yml", helper_playbook_path({"-v", "-e", "x", "site.yml", "y"}));
  EXPECT_EQ("", helper_playbook_path({"-e", "x=1"}));
  EXPECT_EQ("", helper_playbook_path({"-i"}));
  EXPECT_EQ("", helper_playbook_path({"-i", "inv"})); // the reference raises IndexError
}

TEST(HelperMounts, FileArgumentsOfAnsibleTools) {
  TempDir dir;
  ScopedEnv home("HOME", dir / "home");
  ::unsetenv("SSH_AUTH_SOCK");
  ansible_runner::util::make_dirs(dir / "inv", 0700);
  ansible_runner::util::make_dirs(dir / "keys", 0700);
  ansible_runner::util::make_dirs(dir / "pb", 0700);
  ansible_runner::util::write_file(dir / "inv/hosts", "h\n");
  ansible_runner::util::write_file(dir / "keys/id", "k");
  ansible_runner::util::write_file(dir / "pb/site.yml", "[]");
  Args args = mounts_for(dir, "docker",
                         {"ansible-playbook", "-i", dir / "inv/hosts", "-i", "h1,", "--private-key", dir / "keys/id",
                          dir / "pb/site.yml"});
  EXPECT_EQ((Args{"-v", dir / "pb/" + ":" + dir / "pb/", "-v", dir / "inv/" + ":" + dir / "inv/", "-v",
                  dir / "keys/" + ":" + dir / "keys/", "-v", dir / "pdd/artifacts/:/runner/artifacts/:Z"}),
            args);
  EXPECT_TRUE(ansible_runner::util::is_directory(dir / "pdd/project"));

  // -h / --help: no file mounts.
  args = mounts_for(dir, "docker", {"ansible-playbook", "-i", dir / "inv/hosts", "--help"});
  EXPECT_EQ((Args{"-v", dir / "pdd/artifacts/:/runner/artifacts/:Z"}), args);
  // Generic commands: no file mounts either.
  args = mounts_for(dir, "docker", {"cat", "-i", dir / "inv/hosts"}, false);
  EXPECT_EQ((Args{"-v", dir / "pdd/artifacts/:/runner/artifacts/:Z"}), args);
}

TEST(HelperMounts, AutomountsAndPodmanOptions) {
  TempDir dir;
  ScopedEnv home("HOME", dir / "home");
  ansible_runner::util::make_dirs(dir / "home/.ssh", 0700);
  ansible_runner::util::make_dirs(dir / "home/agent", 0700);
  ansible_runner::util::write_file(dir / "home/agent/sock", "");
  ScopedEnv sock("SSH_AUTH_SOCK", dir / "home/agent/sock");
  Args args = mounts_for(dir, "podman", {"ansible-doc", "-l"});
  // "/home/runner/" + the socket path with the characters of $HOME stripped from its start.
  std::string home_chars = dir / "home";
  std::string stripped = (dir / "home/agent/sock").substr((dir / "home/agent/sock").find_first_not_of(home_chars));
  ASSERT_GE(args.size(), 12u);
  EXPECT_EQ("-v", args[0]);
  EXPECT_EQ(dir / "home/agent/" + ":" + ansible_runner::util::dirname("/home/runner/" + stripped) + "/", args[1]);
  EXPECT_EQ("-e", args[2]);
  EXPECT_EQ("SSH_AUTH_SOCK=/home/runner/" + stripped, args[3]);
  EXPECT_EQ((Args{"-v", dir / "home/.ssh/:/home/runner/.ssh/", "-v", dir / "home/.ssh/:/root/.ssh/"}),
            Args(args.begin() + 4, args.begin() + 8));
  auto rest = Args(args.begin() + 8, args.end());
  auto at = std::find(rest.begin(), rest.end(), "--group-add=root");
  ASSERT_NE(rest.end(), at);
  EXPECT_EQ("--ipc=host", *(at + 1));
  EXPECT_EQ(dir / "pdd/artifacts/:/runner/artifacts/:Z", rest.back());
}
