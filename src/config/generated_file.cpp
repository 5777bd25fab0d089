#include "config/generated_file.hpp"

#include <ansible_runner/errors.hpp>

#include "util/fs.hpp"

namespace ansible_runner::config {

std::string write_generated_file(const std::string& dir, const std::string& name, const std::string& content) {
  std::string path = util::path_join(dir, name);
  try {
    util::make_dirs(dir, 0700);
    auto existing = util::read_file_if_exists(path);
    if (!existing || *existing != content) {
      util::write_file_atomic(path, content, 0600);
    }
  } catch (const ConfigurationError&) {
    throw;
  } catch (const Error& e) {
    throw ConfigurationError(e.what());
  }
  return path;
}

} // namespace ansible_runner::config
