// Fuzz target: the env files of a private data dir as a run loads them (docs/private-data-dir.md 2-4):
// env/settings, env/passwords, env/envvars, env/extravars, env/cmdline, env/ssh_key and args,
// read by config::prepare() into the job's command, environment and settings. Bad files must be
// refused with a ConfigurationError, never crash, leak, hang or write outside the pdd.
//
// Input format: the files' contents in the order of k_files, separated by "\n%%\n"; a missing
// section means a missing file (so a short input only has env/settings).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <ansible_runner/errors.hpp>

#include "config/env_loader.hpp"
#include "config/job_config.hpp"
#include "fuzz_scratch.hpp"
#include "util/fs.hpp"

using namespace ansible_runner;

namespace {

constexpr const char* k_files[] = {"env/settings", "env/passwords", "env/envvars", "env/extravars",
                                   "env/cmdline",  "env/ssh_key",   "args"};
constexpr std::string_view k_separator = "\n%%\n";

std::vector<std::string_view> split_sections(std::string_view input) {
  std::vector<std::string_view> sections;
  for (;;) {
    size_t at = input.find(k_separator);
    if (at == std::string_view::npos || sections.size() + 1 == std::size(k_files)) {
      sections.push_back(input);
      return sections;
    }
    sections.push_back(input.substr(0, at));
    input.remove_prefix(at + k_separator.size());
  }
}

// Settings that make prepare() copy the project to, or create directories in, a path named by
// the input: run as a fuzz case they would write outside the case directory by design.
bool writes_where_told(const std::string& pdd) {
  try {
    config::EnvLoader loader(pdd);
    auto settings = loader.load_mapping("env/settings");
    return settings && settings->contains("directory_isolation_base_path");
  } catch (const ConfigurationError&) {
    return false;
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Case c;
  util::make_dirs(c.pdd() + "/env");
  util::make_dirs(c.pdd() + "/project");
  std::vector<std::string_view> sections = split_sections(std::string_view(reinterpret_cast<const char*>(data), size));
  for (size_t i = 0; i < sections.size(); ++i) {
    util::write_file(util::path_join(c.pdd(), k_files[i]), sections[i]);
  }
  if (writes_where_told(c.pdd())) {
    return 0;
  }
  RunOptions options;
  options.private_data_dir = c.pdd();
  options.ident = "fuzz";
  options.playbook = Json("main.yml");
  try {
    config::JobConfig job = config::prepare(options);
    for (const auto& path : job.cleanup_paths) {
      fuzz::remove_all_forcibly(path);
    }
  } catch (const ConfigurationError&) {
  }
  return 0;
}
