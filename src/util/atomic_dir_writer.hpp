#pragma once
// Files of one directory, each replaced at once: a reader sees the old file or the whole new
// one, never a part, as the reference's write to `<name>.tmp` and rename gives (the job's event
// files, docs/artifacts-and-events.md 1). The new file is an unnamed O_TMPFILE linked in under
// its name once written (two path lookups fewer than a named temp file and a rename: a third of
// the kernel's time per event file on tmpfs), relative to the directory's fd. Where the file
// system or the process's privileges do not allow that, or the name exists already, the named
// temp file and rename are used.
#include <functional>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "util/fd.hpp"

namespace ansible_runner::util {

class AtomicDirWriter {
public:
  // Receives the file's content in pieces.
  using Sink = std::function<void(std::string_view)>;

  // Opens `dir`, which must exist. Throws ansible_runner::Error. `unnamed` false: always the
  // named temp file and rename (tests compare the two ways).
  explicit AtomicDirWriter(std::string dir, bool unnamed = true);

  // Creates or replaces `name` (a plain file name) with `content`, mode `mode` (as open(2) gives
  // it: the umask applies). Throws ansible_runner::Error naming the path.
  void replace(std::string_view name, std::string_view content, mode_t mode);
  // The same with content that `produce` hands to its sink in pieces.
  void replace(std::string_view name, const std::function<void(const Sink&)>& produce, mode_t mode);

  const std::string& path() const { return m_dir; }

private:
  enum class Method { unknown, empty_path, proc_fd, rename };

  int link_as(int fd, const char* target);
  bool replace_unnamed(std::string_view name, const std::function<void(const Sink&)>& produce, mode_t mode);
  void replace_named(std::string_view name, const std::function<void(const Sink&)>& produce, mode_t mode);
  [[noreturn]] void fail(const char* what, std::string_view name) const;

  std::string m_dir;
  UniqueFd m_dir_fd;
  Method m_method = Method::unknown; // settled by the first file
  std::string m_name;                // scratch: the name, NUL-terminated
  std::string m_tmp;                 // scratch: the name of a named temp file
};

} // namespace ansible_runner::util
