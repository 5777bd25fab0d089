#include "config/env_loader.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

#include "config/yaml_value.hpp"
#include "util/debug_log.hpp"
#include "util/fd.hpp"
#include "util/fs.hpp"
#include "util/json_object_builder.hpp"
#include "util/json_parse.hpp"
#include "util/pypath.hpp"
#include "util/python_repr.hpp"

namespace ansible_runner::config {

namespace {

// Returns the offset of the first byte that is not part of a valid UTF-8 sequence, or npos.
size_t invalid_utf8_offset(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t extra = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 9;
    if (extra == 9 || (extra == 1 && c < 0xC2) || (extra > 0 && i + extra >= s.size())) {
      return i;
    }
    for (size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
        return i;
      }
    }
    i += extra + 1;
  }
  return std::string::npos;
}

int line_of_offset(const std::string& s, size_t offset) {
  int line = 1;
  for (size_t i = 0; i < offset && i < s.size(); ++i) {
    line += s[i] == '\n' ? 1 : 0;
  }
  return line;
}

} // namespace

EnvLoader::EnvLoader(std::string private_data_dir) : m_base(std::move(private_data_dir)) {}

std::string EnvLoader::abspath(const std::string& path) const {
  if (path.starts_with('~')) {
    return util::expand_user(path);
  }
  if (path.starts_with('/')) {
    return path;
  }
  return util::path_join(m_base, path);
}

bool EnvLoader::isfile(const std::string& path) const { return util::py_isfile(abspath(path)); }

const std::optional<std::string>& EnvLoader::read(const std::string& abs) {
  auto found = m_cache.find(abs);
  if (found != m_cache.end()) {
    return found->second;
  }
  struct stat st{};
  if (::stat(abs.c_str(), &st) != 0) {
    if (errno != ENOENT && errno != ENOTDIR) {
      throw ConfigurationError("cannot read " + abs + ": " + std::strerror(errno));
    }
    util::debug_log::line("not loading " + abs + ": no such file");
    return m_cache[abs] = std::nullopt;
  }
  if (S_ISDIR(st.st_mode)) {
    throw ConfigurationError("cannot read " + abs + ": " + std::strerror(EISDIR));
  }
  // A FIFO blocks here until its writer opens it, as it does in the reference.
  util::UniqueFd fd(::open(abs.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    throw ConfigurationError("cannot read " + abs + ": " + std::strerror(errno));
  }
  std::string content;
  char buf[65536];
  for (;;) {
    long n = util::read_some(fd.get(), buf, sizeof buf);
    if (n < 0) {
      throw ConfigurationError("cannot read " + abs + ": " + std::strerror(errno));
    }
    if (n == 0) {
      break;
    }
    content.append(buf, static_cast<size_t>(n));
  }
  // The reference decodes as UTF-8 and crashes with a traceback otherwise; we name the line.
  size_t bad = invalid_utf8_offset(content);
  if (bad != std::string::npos) {
    throw ConfigurationError(abs + ": line " + std::to_string(line_of_offset(content, bad)) +
                             ": not valid UTF-8");
  }
  util::debug_log::line("loaded " + abs + " (" + std::to_string(content.size()) + " bytes)");
  return m_cache[abs] = std::move(content);
}

std::optional<std::string> EnvLoader::load_text(const std::string& path) { return read(abspath(path)); }

std::optional<Json> EnvLoader::load_mapping(const std::string& path) {
  std::string abs = abspath(path);
  const auto& content = read(abs);
  if (!content) {
    return std::nullopt;
  }
  // JSON first; a falsy JSON value ({} or 0) falls through to YAML, as in the reference. Too
  // deep a nesting counts as not JSON (util::k_max_json_depth); the YAML reader bounds it too.
  Json parsed = util::json_nesting_exceeds(*content) ? Json(Json::value_t::discarded)
                                                     : util::parse_json_or_discarded(*content);
  bool json_ok = !parsed.is_discarded();
  if (!json_ok || !util::python_truthy(parsed)) {
    YamlError error;
    auto yaml = parse_yaml(*content, error);
    if (yaml) {
      parsed = std::move(*yaml);
    } else if (!json_ok) {
      // Stricter than the reference, which silently ignores such a file (or crashes): a
      // settings or passwords file that is silently dropped changes the job without a word.
      throw ConfigurationError(abs + ": line " + std::to_string(error.line) +
                               ": neither valid JSON nor valid YAML: " + error.message);
    } else {
      parsed = Json(nullptr);
    }
  }
  if (!parsed.is_object()) {
    return std::nullopt;
  }
  return parsed;
}

} // namespace ansible_runner::config
