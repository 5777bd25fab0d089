#pragma once
// Filesystem helpers with the reference's modes. All throw ansible_runner::Error with the path
// and the OS reason on failure.
#include <optional>
#include <string>
#include <sys/types.h>

namespace ansible_runner::util {

// mkdir -p; new directories get `mode` (existing ones are left as they are).
void make_dirs(const std::string& path, mode_t mode = 0700);

// Writes `content` to a temp file beside `path`, then renames it over `path`: a reader never
// sees half a file, and a symlink at the temp name is replaced, not written through.
void write_file_atomic(const std::string& path, std::string_view content, mode_t mode = 0600);

// Creates or truncates `path` with `mode` and writes `content`.
void write_file(const std::string& path, std::string_view content, mode_t mode = 0600);

// Like write_file, but a symlink at `path` is not followed: it is replaced, as
// write_file_atomic would (a hostile archive must not make us write elsewhere).
void write_file_no_follow(const std::string& path, std::string_view content, mode_t mode = 0600);
// The same for `name` in the directory open as `dir_fd` (no path walk per file: many small
// files, such as one per event, cost less); `path` is the whole path, for messages and for the
// symlink case.
void write_file_no_follow_at(int dir_fd, const char* name, const std::string& path, std::string_view content,
                             mode_t mode = 0600);

std::string read_file(const std::string& path);
// nullopt when the file does not exist; throws for other errors.
std::optional<std::string> read_file_if_exists(const std::string& path);

bool exists(const std::string& path);    // follows symlinks
bool is_directory(const std::string& path);

// The process's umask, read from /proc/self/status (umask(2) can only read it by changing it,
// which would race with other threads creating files); nullopt where the kernel does not say.
std::optional<mode_t> current_umask();


// rm -rf; errors are ignored when `ignore_errors`.
void remove_tree(const std::string& path, bool ignore_errors = false);

// Path helpers on strings (no filesystem access).
std::string path_join(const std::string& a, const std::string& b); // b absolute: b
std::string expand_user(const std::string& path);                  // leading ~
std::string dirname(const std::string& path);
std::string basename(const std::string& path);

} // namespace ansible_runner::util
