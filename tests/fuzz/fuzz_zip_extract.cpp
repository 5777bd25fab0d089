// Fuzz target: unpacking an arbitrary byte blob as a zip payload into a directory
// (docs/streaming-protocol.md 2.3). Whatever the archive holds, the extractor may refuse it but must
// not write outside the target, create special or set-user-ID files, or exceed its limits.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <sys/stat.h>

#include <ansible_runner/errors.hpp>

#include "fuzz_scratch.hpp"
#include "stream/zip_extractor.hpp"

using namespace ansible_runner;
namespace fs = std::filesystem;

namespace {

constexpr uint64_t k_max_bytes = 1u << 20;
constexpr uint64_t k_max_entries = 1000;

// What the extractor promises about the tree it leaves behind (entries before a refused one
// stay, so this holds after errors too).
void check_extracted_tree(const std::string& root) {
  uint64_t bytes = 0;
  uint64_t entries = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    struct stat st{};
    if (::lstat(it->path().c_str(), &st) != 0) {
      continue;
    }
    ++entries;
    if (S_ISREG(st.st_mode)) {
      bytes += static_cast<uint64_t>(st.st_size);
    } else if (!S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode)) {
      fuzz::violation("a special file was extracted: " + it->path().string());
    }
    if ((st.st_mode & (S_ISUID | S_ISGID)) != 0 && !S_ISDIR(st.st_mode)) {
      fuzz::violation("a set-user/group-ID file was extracted: " + it->path().string());
    }
  }
  if (bytes > k_max_bytes) {
    fuzz::violation("the extracted files exceed the byte limit: " + std::to_string(bytes));
  }
  // Parent directories are created without entries of their own, so allow for them.
  if (entries > 2 * k_max_entries + 64) {
    fuzz::violation("the extracted tree exceeds the entry limit: " + std::to_string(entries));
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Case c;
  util::UniqueFd zip = fuzz::input_fd(data, size);
  try {
    stream::UnzipStats stats = stream::extract_zip(zip.get(), c.pdd(), stream::UnzipLimits{k_max_bytes, k_max_entries});
    if (stats.bytes > k_max_bytes || stats.entries > k_max_entries) {
      fuzz::violation("extract_zip reported more than its limits allow");
    }
  } catch (const Error&) {
  }
  check_extracted_tree(c.pdd());
  return 0;
}
