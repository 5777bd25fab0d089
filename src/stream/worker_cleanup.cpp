// `worker cleanup` (docs/cli.md): remove private data dirs of finished jobs and container images.
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <glob.h>
#include <optional>
#include <set>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ansible_runner/errors.hpp>
#include <ansible_runner/worker_admin.hpp>

#include "exec/exit_status.hpp"
#include "exec/spawner.hpp"
#include "util/dir_listing.hpp"
#include "util/fd.hpp"
#include "util/fs.hpp"
#include "util/pypath.hpp"
#include "util/temp_dir.hpp"

namespace ansible_runner {
namespace {

void say(const std::string& line) { util::write_all(1, line + "\n"); }

std::vector<std::string> glob_paths(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) {
      out.emplace_back(g.gl_pathv[i]);
    }
  }
  ::globfree(&g);
  return out;
}

std::string resolved(const std::string& path) {
  char* real = ::realpath(path.c_str(), nullptr);
  if (!real) {
    return util::py_abspath(path);
  }
  std::string out = real;
  std::free(real);
  return out;
}

// The reference's guard against patterns that would delete system folders.
std::vector<std::string> prohibited_matches(const std::string& pattern) {
  std::set<std::string> prohibited;
  for (const std::string& p : {std::string("/"), std::string("/bin"), std::string("/dev"), std::string("/home"),
                               std::string("/lib"), std::string("/mnt"), std::string("/proc"), std::string("/run"),
                               std::string("/sys"), std::string("/usr"), std::string("/boot"), std::string("/etc"),
                               std::string("/opt"), std::string("/sbin"), util::system_temp_dir(), std::string("/var")}) {
    prohibited.insert(util::py_abspath(p));
    prohibited.insert(resolved(p));
  }
  std::vector<std::string> bad;
  for (const auto& match : glob_paths(pattern)) {
    if (prohibited.count(resolved(match))) {
      bad.push_back(match);
    }
  }
  return bad;
}

// True when <dir>/pid names a process that exists. The reference's is_alive() returns 0 (false)
// for a live pid and 1 for a dead one, so it deletes running jobs and keeps dead ones: inverted
// on purpose here.
bool is_alive(const std::string& dir) {
  std::optional<std::string> text;
  try {
    text = util::read_file_if_exists(util::path_join(dir, "pid"));
  } catch (const Error&) {
    return false;
  }
  if (!text) {
    return false;
  }
  std::string first = text->substr(0, text->find('\n'));
  char* end = nullptr;
  errno = 0;
  long pid = std::strtol(first.c_str(), &end, 10);
  while (end && (*end == ' ' || *end == '\t' || *end == '\r')) {
    ++end;
  }
  // No usable pid (the reference crashes on one): nothing known to be running.
  if (errno != 0 || end == first.c_str() || (end && *end != '\0') || pid <= 0) {
    return false;
  }
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

// shutil.rmtree semantics of cleanup_folder(): only real directories; true when removed.
bool remove_folder(const std::string& path) {
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return false;
  }
  util::remove_tree(path, true);
  return !util::exists(path);
}

void delete_associated_folders(const std::string& dir) {
  std::string artifacts = util::path_join(dir, "artifacts");
  std::optional<std::vector<util::DirEntry>> idents = util::list_directory(artifacts);
  if (!idents) {
    return;
  }
  for (const util::DirEntry& entry : *idents) {
    const std::string& ident = entry.name;
    for (const auto& auth_dir : glob_paths(util::system_temp_dir() + "/ansible_runner_registry_" + ident + "_*")) {
      if (remove_folder(auth_dir)) {
        say("Removed associated registry auth dir " + auth_dir);
      }
    }
  }
}

int cleanup_dirs(const CleanupOptions& options, bool& refused) {
  auto bad = prohibited_matches(options.file_pattern);
  if (!bad.empty()) {
    std::string joined;
    for (const auto& b : bad) {
      joined += (joined.empty() ? "" : " ") + b;
    }
    util::write_all(2, "Provided pattern could result in deleting system folders:\n" + joined +
                           "\nRefusing to continue for user system safety.\n");
    refused = true;
    return 0;
  }
  int count = 0;
  time_t now = std::time(nullptr);
  for (const auto& dir : glob_paths(options.file_pattern)) {
    bool excluded = false;
    for (const auto& s : options.exclude_strings) {
      excluded |= dir.find(s) != std::string::npos;
    }
    if (excluded) {
      continue;
    }
    if (options.grace_period_minutes) {
      struct stat st{};
      if (::stat(dir.c_str(), &st) != 0 ||
          st.st_mtime > now - static_cast<time_t>(options.grace_period_minutes) * 60) {
        continue;
      }
    }
    if (is_alive(dir)) {
      say("Excluding running project " + dir + " from cleanup");
      continue;
    }
    delete_associated_folders(dir);
    if (remove_folder(dir)) {
      ++count;
    }
  }
  return count;
}

struct CommandResult {
  int rc = -1;
  std::string output;
};

// Runs an engine command (podman/docker) and captures its stdout, like subprocess.run().
CommandResult run_engine_command(const std::vector<std::string>& argv) {
  CommandResult result;
  std::optional<util::Pipe> pipe = util::make_pipe();
  if (!pipe) {
    return result;
  }
  util::UniqueFd read_end = std::move(pipe->read);
  exec::ChildSetup setup;
  setup.argv = argv;
  setup.stdio = {exec::k_inherit, pipe->write.get(), exec::k_dev_null};
  exec::SpawnOutcome started;
  try {
    started = exec::spawn(setup);
  } catch (const exec::SpawnError& e) {
    result.output = std::string(e.what()) + "\n";
    return result;
  }
  pipe->write.reset();
  if (started.failure) {
    result.output = std::string(std::strerror(started.failure->err)) + "\n";
    return result;
  }
  char buf[4096];
  for (;;) {
    long n = util::read_some(read_end.get(), buf, sizeof buf);
    if (n <= 0) {
      break;
    }
    result.output.append(buf, static_cast<size_t>(n));
  }
  exec::ExitStatus status = exec::reap(started.pid, true).value_or(exec::ExitStatus{});
  result.rc = status.exit_code ? *status.exit_code : 128 + status.signal.value_or(0);
  return result;
}

std::string strip(std::string s, const char* chars = " \t\n\r\v\f") {
  auto b = s.find_first_not_of(chars);
  if (b == std::string::npos) {
    return "";
  }
  auto e = s.find_last_not_of(chars);
  return s.substr(b, e - b + 1);
}

// Returns the stripped stdout; throws (after the reference's report) when the command failed.
struct CommandFailed {};
std::string checked(const std::vector<std::string>& argv) {
  CommandResult r = run_engine_command(argv);
  if (r.rc != 0) {
    std::string cmd;
    for (const auto& a : argv) {
      cmd += (cmd.empty() ? "" : " ") + a;
    }
    say("Error running command:");
    say(cmd);
    say("Stdout:");
    say(r.output);
    throw CommandFailed{};
  }
  return strip(r.output);
}

int count_of(const std::string& text, const std::string& needle) {
  int n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

} // namespace

int worker_cleanup(const CleanupOptions& options) {
  int dir_count = 0;
  int image_count = 0;
  bool pruned = false;
  if (!options.file_pattern.empty()) {
    bool refused = false;
    dir_count = cleanup_dirs(options, refused);
    if (refused) {
      return 1;
    }
    if (dir_count) {
      say("Removed " + std::to_string(dir_count) + " private data dir(s) in pattern " + options.file_pattern);
    }
  }
  const std::string& exe = options.process_isolation_executable;
  try {
    if (!options.remove_images.empty()) {
      for (const auto& image : options.remove_images) {
        std::string tags = checked({exe, "images", "--format=\"{{.Repository}}:{{.Tag}}\"", image});
        if (tags.empty()) {
          continue;
        }
        std::string::size_type start = 0;
        while (start <= tags.size()) {
          auto end = tags.find('\n', start);
          std::string tag = strip(strip(tags.substr(start, end == std::string::npos ? std::string::npos : end - start)), "\"");
          image_count += count_of(checked({exe, "rmi", tag, "-f"}), "Untagged:");
          if (end == std::string::npos) {
            break;
          }
          start = end + 1;
        }
      }
      if (image_count) {
        say("Removed " + std::to_string(image_count) + " image(s)");
      }
    }
    if (options.image_prune) {
      std::string out = checked({exe, "image", "prune", "-f"});
      pruned = !out.empty() && out != "Total reclaimed space: 0B";
      if (pruned) {
        say("Pruned images");
      }
    }
  } catch (const CommandFailed&) {
    return 1;
  }
  say(dir_count || image_count || pruned ? "(changed: True)" : "(changed: False)");
  return 0;
}

} // namespace ansible_runner
