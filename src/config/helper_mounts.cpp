#include "config/helper_mounts.hpp"

#include <algorithm>
#include <cstdlib>

#include "util/fs.hpp"

namespace ansible_runner::config {

namespace {

bool contains(const std::vector<std::string>& items, const std::string& value) {
  return std::find(items.begin(), items.end(), value) != items.end();
}

bool is_one_of(const std::string& value, std::initializer_list<const char*> options) {
  return std::any_of(options.begin(), options.end(), [&](const char* o) { return value == o; });
}

bool is_inventory_option(const std::string& arg) { return is_one_of(arg, {"-i", "--inventory", "--inventory-file"}); }

bool starts_with_dash(const std::string& arg) { return !arg.empty() && arg[0] == '-'; }

// Python's str.lstrip(chars): drops leading characters that occur anywhere in `chars`.
std::string lstrip_chars(const std::string& s, const std::string& chars) {
  size_t start = s.find_first_not_of(chars);
  return start == std::string::npos ? "" : s.substr(start);
}

// list.index(value) then pop at that index.
size_t index_of(const std::vector<std::string>& items, const std::string& value) {
  return static_cast<size_t>(std::find(items.begin(), items.end(), value) - items.begin());
}

void add_file_option_mounts(VolumeMounts& mounts, const std::vector<std::string>& cmdline_args,
                            const std::vector<std::string>& command) {
  if (cmdline_args.empty() || contains(cmdline_args, "-h") || contains(cmdline_args, "--help")) {
    return;
  }
  for (const auto& value : command) {
    if (value.find("ansible-playbook") != std::string::npos) {
      std::string playbook = helper_playbook_path(cmdline_args);
      if (!playbook.empty()) {
        mounts.add(playbook, std::nullopt, "");
        break;
      }
    }
  }
  std::vector<std::string> rest = cmdline_args;
  for (const auto& arg : cmdline_args) {
    if (!is_inventory_option(arg) &&
        !is_one_of(arg, {"--vault-password-file", "--vault-pass-file", "--private-key", "--key-file"})) {
      continue;
    }
    size_t at = index_of(rest, arg);
    rest.erase(rest.begin() + static_cast<long>(at));
    if (at >= rest.size()) {
      return; // an option without its value: Ansible reports it
    }
    std::string value = rest[at];
    rest.erase(rest.begin() + static_cast<long>(at));
    if (is_inventory_option(arg) && value.ends_with(',')) {
      continue; // a host list, not a path
    }
    mounts.add(value, std::nullopt, "");
  }
}

void add_automounts(std::vector<std::string>& args, VolumeMounts& mounts) {
  const char* home_env = std::getenv("HOME");
  std::string home = home_env ? home_env : "";
  if (const char* sock_env = std::getenv("SSH_AUTH_SOCK")) {
    std::string sock = sock_env;
    std::string dest = sock;
    if (util::exists(sock)) {
      if (home_env && sock.starts_with(home)) {
        dest = "/home/runner/" + lstrip_chars(sock, home);
      } else if (sock.starts_with('~')) {
        dest = "/home/runner/" + lstrip_chars(sock, "~/");
      }
      mounts.add(sock, dest, "");
    }
    args.insert(args.end(), {"-e", "SSH_AUTH_SOCK=" + dest});
  }
  if (home_env) {
    std::string ssh_dir = home + "/.ssh/";
    if (util::exists(ssh_dir)) {
      mounts.add(ssh_dir, std::string("/home/runner/.ssh/"), "");
      mounts.add(ssh_dir, std::string("/root/.ssh/"), "");
    }
  }
  if (util::exists("/etc/ssh/ssh_known_hosts")) {
    mounts.add("/etc/ssh/ssh_known_hosts", std::string("/etc/ssh/ssh_known_hosts"), "");
  }
}

} // namespace

std::string helper_playbook_path(const std::vector<std::string>& cmdline_args) {
  std::vector<std::string> rest = cmdline_args;
  for (const auto& arg : cmdline_args) {
    if (!is_inventory_option(arg)) {
      continue;
    }
    size_t at = index_of(rest, arg);
    rest.erase(rest.begin() + static_cast<long>(at));
    if (at >= rest.size()) {
      return "";
    }
    rest.erase(rest.begin() + static_cast<long>(at));
  }
  if (rest.empty()) {
    return ""; // the reference raises IndexError here
  }
  if (rest.size() == 1 || !starts_with_dash(rest[0])) {
    return rest[0];
  }
  for (size_t i = 1; i < rest.size(); ++i) {
    if (starts_with_dash(rest[i])) {
      continue;
    }
    // The reference looks the argument up again with list.index(): its first occurrence.
    size_t first = index_of(rest, rest[i]);
    if (first == 0 || !starts_with_dash(rest[first - 1])) {
      return rest[i];
    }
  }
  return "";
}

void add_helper_mounts(std::vector<std::string>& args, VolumeMounts& mounts, const ContainerSpec& spec,
                       const std::vector<std::string>& command) {
  if (spec.helper->ansible_command) {
    add_file_option_mounts(mounts, spec.helper->cmdline_args, command);
  }
  add_automounts(args, mounts);
  if (spec.executable == "podman") {
    args.insert(args.end(), {"--group-add=root", "--ipc=host"});
  }
  ensure_safe_to_mount(spec.private_data_dir);
  for (const char* sub : {"project", "artifacts"}) {
    std::string path = util::path_join(spec.private_data_dir, sub);
    if (!util::exists(path)) {
      util::make_dirs(path, 0700);
    }
  }
  mounts.add(util::path_join(spec.private_data_dir, "artifacts"), std::string("/runner/artifacts"), ":Z");
}

} // namespace ansible_runner::config
