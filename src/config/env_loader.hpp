#pragma once
// Reads the files of a private data dir (env/*, args) as the reference's ArtifactLoader does
// (docs/private-data-dir.md 2): paths relative to the private data dir, mapping files tried as JSON
// then YAML, text files raw, each file read at most once (they may be FIFOs).
#include <map>
#include <optional>
#include <string>

#include <ansible_runner/json.hpp>

namespace ansible_runner::config {

class EnvLoader {
public:
  explicit EnvLoader(std::string private_data_dir);

  // Absolute form of `path`: relative paths are taken under the private data dir, `~` expanded.
  std::string abspath(const std::string& path) const;
  // os.path.isfile of abspath(path): false for FIFOs and directories.
  bool isfile(const std::string& path) const;

  // A mapping file (envvars, settings, passwords). nullopt when the file is missing, empty,
  // or holds something other than a mapping (the reference's silent rules). Throws
  // ConfigurationError naming the file and line when the text is neither JSON nor YAML.
  std::optional<Json> load_mapping(const std::string& path);

  // A text file (cmdline, ssh_key, args), raw. nullopt when missing.
  std::optional<std::string> load_text(const std::string& path);

private:
  // Raw bytes of the file, cached by absolute path. Throws ConfigurationError when the file
  // exists but cannot be read or is not UTF-8.
  const std::optional<std::string>& read(const std::string& abs);

  std::string m_base;
  std::map<std::string, std::optional<std::string>> m_cache;
};

} // namespace ansible_runner::config
