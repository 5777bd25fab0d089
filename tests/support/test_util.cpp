#include "test_util.hpp"

#include "util/fs.hpp"
#include "util/temp_dir.hpp"

namespace ansible_runner::test {

TempDir::TempDir() : m_path(util::make_temp_dir("ar-test-")) {}
TempDir::~TempDir() { util::remove_tree(m_path, true); }

std::string support_file(const std::string& name) { return std::string(AR_TEST_SUPPORT) + "/" + name; }

} // namespace ansible_runner::test
