#include "fuzz_scratch.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/mman.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace ansible_runner::fuzz {
namespace {

std::string names_in(const std::string& dir) {
  std::string out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    out += (out.empty() ? "" : ", ") + entry.path().filename().string();
  }
  return out;
}

void remove_root() {
  const char* root = std::getenv("AR_FUZZ_SCRATCH");
  if (root && *root) {
    if (::chdir("/") != 0) {
      return;
    }
    remove_all_forcibly(root);
  }
}

// Made once per process: every case lives below it, and so does every temp file of the library.
const std::string& scratch_root() {
  static const std::string root = [] {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base && *base ? base : "/tmp") + "/ar-fuzz-XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) {
      violation("cannot create the scratch root: " + std::string(std::strerror(errno)));
    }
    ::setenv("TMPDIR", templ.c_str(), 1);
    ::setenv("AR_FUZZ_SCRATCH", templ.c_str(), 1);
    std::atexit(remove_root);
    return templ;
  }();
  return root;
}

} // namespace

void violation(const std::string& what) {
  std::fprintf(stderr, "fuzz check failed: %s\n", what.c_str());
  std::abort();
}

util::UniqueFd input_fd(const uint8_t* data, size_t size) {
  util::UniqueFd fd(::memfd_create("fuzz-input", MFD_CLOEXEC));
  if (!fd || !util::write_all(fd.get(), std::string_view(reinterpret_cast<const char*>(data), size)) ||
      ::lseek(fd.get(), 0, SEEK_SET) != 0) {
    violation("cannot put the input into a memfd: " + std::string(std::strerror(errno)));
  }
  return fd;
}

void remove_all_forcibly(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(fs::symlink_status(path, ec))) {
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      remove_all_forcibly(entry.path().string());
    }
  }
  fs::remove_all(path, ec);
}

Case::Case() : m_old_cwd(::open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
  if (!m_old_cwd) {
    violation("cannot open the current directory");
  }
  m_dir = scratch_root() + "/case";
  m_pdd = m_dir + "/pdd";
  std::error_code ec;
  fs::create_directories(m_pdd, ec);
  if (ec || ::chdir(m_dir.c_str()) != 0) {
    violation("cannot create the case directory " + m_dir);
  }
}

Case::~Case() noexcept(false) {
  std::string extra_in_case = names_in(m_dir);
  std::string extra_in_root = names_in(scratch_root());
  if (::fchdir(m_old_cwd.get()) != 0) {
    violation("cannot go back to the previous directory");
  }
  remove_all_forcibly(m_dir);
  if (extra_in_case != "pdd") {
    violation("the input left entries beside the target: " + extra_in_case);
  }
  if (extra_in_root != "case") {
    violation("the input left entries in the scratch root ($TMPDIR): " + extra_in_root);
  }
}

} // namespace ansible_runner::fuzz
