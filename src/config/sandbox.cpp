#include "config/sandbox.hpp"

#include <set>

#include "util/fs.hpp"
#include "util/pypath.hpp"
#include "util/temp_dir.hpp"

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

bool is_within(const std::string& path, const std::string& dir) {
  return path == dir || path.starts_with(dir.ends_with('/') ? dir : dir + "/");
}

// The plugin dir (resolved) when no fixed bind or the private data dir already covers it.
std::optional<std::string> plugin_bind(const SandboxSpec& spec) {
  if (!spec.plugin_dir || spec.plugin_dir->empty() || !util::exists(*spec.plugin_dir)) {
    return std::nullopt;
  }
  std::string real = util::py_realpath(*spec.plugin_dir);
  for (const std::string& bound : {std::string("/bin"), std::string("/etc"), std::string("/usr"), std::string("/opt"),
                                   util::py_realpath(spec.private_data_dir)}) {
    if (is_within(real, bound)) {
      return std::nullopt;
    }
  }
  return real;
}
} // namespace

Sandbox wrap_for_sandbox(const SandboxSpec& spec, const std::vector<std::string>& command) {
  Sandbox sandbox;
  sandbox.temp_dir = util::make_temp_dir("ansible_runner_pi_", spec.isolation_path);
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
  if (auto plugin = plugin_bind(spec)) {
    // Without it Ansible stops with "Invalid callback for stdout specified: awx_display".
    args.insert(args.end(), {"--ro-bind", *plugin, *plugin});
  }
  for (const auto& path : existing_real_paths(spec.hide_paths)) {
    std::string stand_in = util::py_isdir(path) ? util::make_temp_dir("tmp", sandbox.temp_dir)
                                                 : util::make_temp_file(sandbox.temp_dir);
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
