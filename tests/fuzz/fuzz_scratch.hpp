#pragma once
// Shared by the fuzz targets: a private scratch tree per process, one fresh case directory per
// input, and the checks that an input left nothing behind outside it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "util/fd.hpp"

namespace ansible_runner::fuzz {

// Fails the run (abort, so libFuzzer and the replay driver both report it) with a message.
[[noreturn]] void violation(const std::string& what);

// The input as a readable fd at offset 0 (a memfd), as a pipe or file would be for the real roles.
util::UniqueFd input_fd(const uint8_t* data, size_t size);

// A fresh directory for one input, with an empty `pdd` inside, and the cwd moved into it for the
// input's lifetime (so a stray relative write lands there too; the fuzzer's own relative paths
// work again afterwards). On destruction it checks that the case directory holds nothing but
// `pdd` and the scratch root nothing but the case, then removes the case.
// The scratch root is also $TMPDIR, so temp files the library makes are counted as well.
class Case {
public:
  Case();
  ~Case() noexcept(false);
  Case(const Case&) = delete;
  Case& operator=(const Case&) = delete;

  const std::string& dir() const { return m_dir; }
  const std::string& pdd() const { return m_pdd; }

private:
  util::UniqueFd m_old_cwd;
  std::string m_dir;
  std::string m_pdd;
};

// rm -rf that first makes every directory searchable and writable (an archive may set 000).
void remove_all_forcibly(const std::string& path);

} // namespace ansible_runner::fuzz
