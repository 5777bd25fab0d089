#include "config/ansible_command.hpp"

#include <ansible_runner/errors.hpp>

#include "config/env_loader.hpp"
#include "util/python_json.hpp"
#include "util/python_repr.hpp"
#include "util/shlex.hpp"

namespace ansible_runner::config {

namespace {
std::vector<std::string> split_or_throw(const std::string& text, const std::string& source) {
  try {
    return util::shlex_split(text);
  } catch (const Error& e) {
    throw ConfigurationError(source + ": " + e.what());
  }
}
} // namespace

std::string extravars_argument(const Json& extravars) {
  std::string out = "{";
  bool first = true;
  for (const auto& [key, value] : extravars.items()) {
    out += first ? "" : ",";
    first = false;
    out += "\"" + key + "\":" + util::python_dumps(value);
  }
  return out + "}";
}

AnsibleCommand build_ansible_command(const CommandInputs& in, EnvLoader& loader) {
  AnsibleCommand result;
  if (auto args = loader.load_text("args")) {
    result.argv = split_or_throw(*args, loader.abspath("args"));
    result.mode = ExecutionMode::raw;
    return result;
  }
  auto& argv = result.argv;
  if (in.binary) {
    argv.push_back(*in.binary);
    result.mode = ExecutionMode::raw;
  } else if (in.module) {
    argv.push_back("ansible");
    result.mode = ExecutionMode::ansible;
  } else {
    argv.push_back("ansible-playbook");
    result.mode = ExecutionMode::ansible_playbook;
  }

  if (in.cmdline && !in.cmdline->empty()) {
    auto words = split_or_throw(*in.cmdline, "cmdline");
    argv.insert(argv.end(), words.begin(), words.end());
  } else if (auto text = loader.load_text("env/cmdline")) {
    auto words = split_or_throw(*text, loader.abspath("env/cmdline"));
    argv.insert(argv.end(), words.begin(), words.end());
  }

  if (in.inventory && !in.inventory->is_null()) {
    if (in.inventory->is_array()) {
      for (const auto& item : *in.inventory) {
        argv.insert(argv.end(), {"-i", util::python_str(item)});
      }
    } else {
      argv.insert(argv.end(), {"-i", util::python_str(*in.inventory)});
    }
  }
  if (in.limit) {
    argv.insert(argv.end(), {"--limit", *in.limit});
  }
  if (loader.isfile("env/extravars")) {
    std::string path = in.containerized ? "/runner/env/extravars" : loader.abspath("env/extravars");
    argv.insert(argv.end(), {"-e", "@" + path});
  }
  if (in.extravars && util::python_truthy(*in.extravars)) {
    if (in.extravars->is_object()) {
      argv.insert(argv.end(), {"-e", extravars_argument(*in.extravars)});
    } else if (in.extravars->is_string() && loader.isfile(in.extravars->get<std::string>())) {
      argv.insert(argv.end(), {"-e", "@" + loader.abspath(in.extravars->get<std::string>())});
    }
  }
  if (in.verbosity && *in.verbosity > 0) {
    argv.push_back("-" + std::string(static_cast<size_t>(*in.verbosity), 'v'));
  }
  if (in.tags && !in.tags->empty()) {
    argv.insert(argv.end(), {"--tags", *in.tags});
  }
  if (in.skip_tags && !in.skip_tags->empty()) {
    argv.insert(argv.end(), {"--skip-tags", *in.skip_tags});
  }
  if (in.forks && !in.forks->empty()) {
    argv.insert(argv.end(), {"--forks", *in.forks});
  }

  // Raw mode (binary) drops the playbook and module arguments, as both 2.3.1 and main do.
  if (result.mode == ExecutionMode::ansible_playbook && in.playbook) {
    argv.push_back(*in.playbook);
  } else if (result.mode == ExecutionMode::ansible) {
    argv.insert(argv.end(), {"-m", *in.module});
    if (in.module_args) {
      argv.insert(argv.end(), {"-a", *in.module_args});
    }
    if (in.host_pattern) {
      argv.push_back(*in.host_pattern);
    }
  }
  return result;
}

} // namespace ansible_runner::config
