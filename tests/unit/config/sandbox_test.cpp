#include <algorithm>

#include <gtest/gtest.h>

#include "config/sandbox.hpp"
#include "test_util.hpp"
#include "util/fs.hpp"
#include "util/pypath.hpp"

namespace ansible_runner::config {
namespace {

// Index of the first `--ro-bind path path` triple, or -1.
long ro_bind_of(const std::vector<std::string>& args, const std::string& path) {
  for (size_t i = 0; i + 2 < args.size(); ++i) {
    if (args[i] == "--ro-bind" && args[i + 1] == path && args[i + 2] == path) {
      return static_cast<long>(i);
    }
  }
  return -1;
}

class SandboxTest : public ::testing::Test {
protected:
  void SetUp() override {
    util::make_dirs(m_dir / "pdd");
    util::make_dirs(m_dir / "plugins");
    m_spec.executable = "bwrap";
    m_spec.isolation_path = m_dir.path();
    m_spec.private_data_dir = m_dir / "pdd";
  }
  test::TempDir m_dir;
  SandboxSpec m_spec;
};

TEST_F(SandboxTest, PluginDirOutsideTheBindsIsBoundReadOnlyAfterTheLibSymlink) {
  m_spec.plugin_dir = m_dir / "plugins";
  Sandbox sandbox = wrap_for_sandbox(m_spec, {"ansible-playbook", "x.yml"});
  const auto& args = sandbox.command;
  std::string real = util::py_realpath(m_dir / "plugins");
  long at = ro_bind_of(args, real);
  ASSERT_GE(at, 3);
  EXPECT_EQ(args[static_cast<size_t>(at) - 1], "/lib");
  EXPECT_EQ(args.back(), "x.yml");
}

TEST_F(SandboxTest, PluginDirAlreadyVisibleIsNotBoundAgain) {
  for (const std::string& dir : {std::string("/usr/share"), m_dir / "pdd"}) {
    m_spec.plugin_dir = dir;
    Sandbox sandbox = wrap_for_sandbox(m_spec, {"ansible-playbook"});
    EXPECT_EQ(ro_bind_of(sandbox.command, util::py_realpath(dir)), -1) << dir;
  }
}

TEST_F(SandboxTest, MissingPluginDirIsNotBound) {
  m_spec.plugin_dir = m_dir / "nothere";
  Sandbox sandbox = wrap_for_sandbox(m_spec, {"ansible-playbook"});
  EXPECT_EQ(std::count(sandbox.command.begin(), sandbox.command.end(), "--ro-bind"), 4);
}

} // namespace
} // namespace ansible_runner::config
