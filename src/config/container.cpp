#include "config/container.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

#include "config/helper_mounts.hpp"
#include "config/volume_mounts.hpp"
#include "util/base64.hpp"
#include "util/fs.hpp"
#include "util/pypath.hpp"
#include "util/python_repr.hpp"
#include "util/temp_dir.hpp"

namespace ansible_runner::config {

namespace {

std::string auth_field(const Json& auth, const char* key) {
  return auth.contains(key) ? util::python_str(auth[key]) : "None";
}

// The host as a key of the reference's json.dumps({'auths': {host: ...}}): json.dumps writes a
// None key as "null" and a bool as "true"/"false" (str() would give "None", "True").
std::string auth_host_key(const Json& auth) {
  if (!auth.contains("host") || auth["host"].is_null()) {
    return "null";
  }
  const Json& host = auth["host"];
  if (host.is_boolean()) {
    return host.get<bool>() ? "true" : "false";
  }
  return util::python_str(host);
}

// auth.json / config.json and, for verify_ssl false, registries.conf (docs/execution.md 9).
Container write_registry_auth(const ContainerSpec& spec, Container container) {
  const Json& auth = *spec.auth_data;
  std::string host = auth_field(auth, "host");  // str.format's text, in registries.conf
  std::string token = auth_field(auth, "username") + ":" + auth_field(auth, "password");
  Json doc = Json::object();
  doc["auths"][auth_host_key(auth)]["auth"] = util::base64_encode(token);
  std::string dir = util::make_temp_dir("ansible_runner_registry_" + spec.ident + "_");
  container.registry_auth_dir = dir;
  bool docker = spec.executable == "docker";
  std::string auth_file = util::path_join(dir, docker ? "config.json" : "auth.json");
  util::write_file(auth_file, doc.dump(4, ' ', true), 0600);
  bool verify_ssl = !auth.contains("verify_ssl") || !(auth["verify_ssl"].is_boolean() && !auth["verify_ssl"].get<bool>());
  if (!verify_ssl) {
    std::string conf = util::path_join(dir, "registries.conf");
    util::write_file(conf, "[[registry]]\nlocation = \"" + host + "\"\ninsecure = true", 0600);
    container.registries_conf = conf;
  }
  // docker takes the directory (--config), podman the file (--authfile).
  if (docker) {
    auto& args = container.command;
    args.insert(args.begin() + 1, "--config=" + dir);
  } else {
    container.command.push_back("--authfile=" + auth_file);
  }
  return container;
}

} // namespace

std::string container_name_for(const std::string& ident) {
  std::string name = "ansible_runner_";
  for (char c : ident) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    name += ok ? c : '_';
  }
  return name;
}

Container wrap_for_container(const ContainerSpec& spec, const std::vector<std::string>& command) {
  Container container;
  auto& args = container.command;
  args = {spec.executable, "run", "--rm"};
  if (spec.tty) {
    args.push_back("--tty");
  }
  args.push_back("--interactive");
  VolumeMounts mounts(args, spec.container_workdir);
  if (spec.container_workdir && !spec.container_workdir->empty()) {
    container.workdir = *spec.container_workdir;
  } else if (spec.host_cwd && util::exists(*spec.host_cwd)) {
    ensure_safe_to_mount(*spec.host_cwd);
    mounts.add(*spec.host_cwd, std::nullopt, "");
    container.workdir = *spec.host_cwd;
  } else {
    container.workdir = "/runner/project";
  }
  args.insert(args.end(), {"--workdir", container.workdir});

  std::string artifacts = util::path_join(spec.private_data_dir, "artifacts");
  if (spec.helper) {
    add_helper_mounts(args, mounts, spec, command);
  } else if (!util::exists(artifacts)) {
    util::make_dirs(artifacts, 0700);
  }
  mounts.add(spec.private_data_dir, "/runner", ":Z");

  if (spec.auth_data && util::python_truthy(*spec.auth_data)) {
    container = write_registry_auth(spec, std::move(container));
  }
  for (const auto& mapping : spec.volume_mounts) {
    // split(':', 2): source, destination, and labels (which may contain ':').
    auto first = mapping.find(':');
    if (first == std::string::npos) {
      throw ConfigurationError("container_volume_mounts: '" + mapping + "' is not of the form src:dst[:labels]");
    }
    auto second = mapping.find(':', first + 1);
    std::string src = mapping.substr(0, first);
    std::string dst = mapping.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
    std::string labels = second == std::string::npos ? "" : ":" + mapping.substr(second + 1);
    ensure_safe_to_mount(src);
    mounts.add(src, dst, labels);
  }
  args.insert(args.end(), {"--env-file", util::path_join(spec.artifact_dir, "env.list")});
  if (spec.executable == "podman") {
    args.push_back("--quiet");
  }
  if (spec.executable == "docker") {
    args.push_back("--user=" + std::to_string(::getuid()));
  }
  args.insert(args.end(), {"--name", spec.container_name});
  args.insert(args.end(), spec.options.begin(), spec.options.end());
  args.push_back(spec.image);
  args.insert(args.end(), command.begin(), command.end());
  return container;
}

} // namespace ansible_runner::config
