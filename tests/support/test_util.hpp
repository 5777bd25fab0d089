#pragma once
// Shared helpers for unit tests: a fresh temp dir per test, removed afterwards.
#include <string>

namespace ansible_runner::test {

class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return m_path; }
  std::string operator/(const std::string& rel) const { return m_path + "/" + rel; }

private:
  std::string m_path;
};

// Absolute path of tests/support/<name>.
std::string support_file(const std::string& name);

} // namespace ansible_runner::test
