#include "config/sandbox.hpp"

#include <set>

#include "config/temp_dir.hpp"
#include "util/fs.hpp"
#include "util/pypath.hpp"

namespace ansible_runner::config {

namespace {
// sorted(set(paths)), keeping only existing ones, each resolved (the reference's order).
std::vector<std::string> existing_real_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& path : std::set<std::string>(paths.begin(), paths.end())) {
    if (util::exists(path)) {
      out.push_back(util::py_realpath(path));
    }
  }
  return out;
}
} // namespace

Sandbox wrap_for_sandbox(const SandboxSpec& spec, const std::vector<std::string>& command) {
  Sandbox sandbox;
  sandbox.temp_dir = make_temp_dir_in(spec.isolation_path, "ansible_runner_pi_");
  std::vector<std::string>& args = sandbox.command;
  args = {spec.executable.empty() ? "bwrap" : spec.executable,
          "--die-with-parent", "--unshare-pid",
          "--dev-bind", "/dev", "dev",
          "--proc", "/proc",
          "--dir", "/tmp",
          "--ro-bind", "/bin", "/bin",
          "--ro-bind", "/etc", "/etc",
          "--ro-bind", "/usr", "/usr",
          "--ro-bind", "/opt", "/opt",
          "--symlink", "usr/lib64", "/lib64",
          "--symlink", "usr/lib", "/lib"};
  for (const auto& path : existing_real_paths(spec.hide_paths)) {
    std::string stand_in = util::py_isdir(path) ? make_temp_dir_in(sandbox.temp_dir, "tmp")
                                                 : make_temp_file_in(sandbox.temp_dir);
    args.insert(args.end(), {"--bind", stand_in, path});
  }
  for (const auto& path : existing_real_paths(spec.ro_paths)) {
    args.insert(args.end(), {"--ro-bind", path, path});
  }
  std::vector<std::string> show = {spec.private_data_dir};
  show.insert(show.end(), spec.show_paths.begin(), spec.show_paths.end());
  for (const auto& path : existing_real_paths(show)) {
    args.insert(args.end(), {"--bind", path, path});
  }
  if (spec.chdir) {
    args.insert(args.end(), {"--chdir", util::py_realpath(*spec.chdir)});
  }
  args.insert(args.end(), command.begin(), command.end());
  return sandbox;
}

} // namespace ansible_runner::config
