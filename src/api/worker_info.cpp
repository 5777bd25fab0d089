#include "api/worker_info.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <pwd.h>
#include <charconv>
#include <cstdint>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

#include <ansible_runner/errors.hpp>
#include <ansible_runner/runner.hpp>
#include <ansible_runner/worker_admin.hpp>

#include "util/fs.hpp"
#include "util/ids.hpp"

namespace ansible_runner {
namespace api {
namespace {

// PyYAML's default best_width.
constexpr size_t k_width = 80;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string strip(const std::string& s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && is_space(s[b])) {
    ++b;
  }
  while (e > b && is_space(s[e - 1])) {
    --e;
  }
  return s.substr(b, e - b);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// 8-4-4-4-12 hex digits.
bool is_uuid_text(std::string_view s) {
  if (s.size() != 36) {
    return false;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !is_hex(s[i])) {
      return false;
    }
  }
  return true;
}

// N.N.N followed by any of [.a-z0-9] (2.3.1, 2.3.1.dev4).
bool is_version_text(std::string_view s) {
  size_t i = 0;
  for (int part = 0; part < 3; ++part) {
    if (part > 0) {
      if (i >= s.size() || s[i] != '.') {
        return false;
      }
      ++i;
    }
    size_t start = i;
    while (i < s.size() && is_digit(s[i])) {
      ++i;
    }
    if (i == start) {
      return false;
    }
  }
  for (; i < s.size(); ++i) {
    if (!(s[i] == '.' || is_digit(s[i]) || (s[i] >= 'a' && s[i] <= 'z'))) {
      return false;
    }
  }
  return true;
}

// A string as a YAML scalar: plain when it is unambiguous (UUIDs, versions), else single-quoted.
// PyYAML may choose plain in more cases; both load to the same string. (Checked by hand, not
// with std::regex: compiling one was a fifth of `worker --worker-info`'s start-up.)
std::string yaml_string(const std::string& s) {
  if (is_uuid_text(s) || is_version_text(s)) {
    return s;
  }
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') {
      out += '\'';
    }
  }
  return out + "'";
}

// Appends text to the current line, tracking the column like PyYAML's emitter.
class FlowWriter {
public:
  void write(const std::string& text) {
    m_out += text;
    m_column += text.size();
  }
  // Before a key or item: after the first, PyYAML wraps once the column passed the width.
  void separate(bool first) {
    if (!first) {
      write(",");
    }
    if (m_column > k_width) {
      m_out += "\n  ";
      m_column = 2;
    } else if (!first) {
      write(" ");
    }
  }
  std::string take() { return std::move(m_out); }

private:
  std::string m_out;
  size_t m_column = 0;
};

} // namespace

std::string format_worker_info(const WorkerInfo& info) {
  FlowWriter w;
  w.write("{");
  w.separate(true);
  w.write("cpu_count: " + std::to_string(info.cpu_count));
  w.separate(false);
  w.write("errors: [");
  for (size_t i = 0; i < info.errors.size(); ++i) {
    if (i > 0) {
      w.separate(false);
    }
    w.write(yaml_string(info.errors[i]));
  }
  w.write("]");
  w.separate(false);
  w.write("mem_in_bytes: " + (info.mem_in_bytes ? std::to_string(*info.mem_in_bytes) : std::string("null")));
  w.separate(false);
  w.write("runner_version: " + yaml_string(info.runner_version));
  w.separate(false);
  w.write("uuid: " + (info.uuid ? yaml_string(*info.uuid) : std::string("null")));
  w.write("}\n");
  return w.take();
}

std::optional<uint64_t> parse_mem_total(const std::string& meminfo) {
  constexpr std::string_view key = "MemTotal:";
  for (size_t line = 0; line < meminfo.size();) {
    size_t end = meminfo.find('\n', line);
    std::string_view text(meminfo.data() + line, (end == std::string::npos ? meminfo.size() : end) - line);
    if (text.starts_with(key)) {
      size_t i = key.size();
      size_t blanks = i;
      while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
        ++i;
      }
      uint64_t kib = 0;
      auto [next, error] = std::from_chars(text.data() + i, text.data() + text.size(), kib);
      if (i > blanks && error == std::errc() && next != text.data() + i && kib <= UINT64_MAX / 1024) {
        return kib * 1024;
      }
      return std::nullopt;
    }
    if (end == std::string::npos) {
      break;
    }
    line = end + 1;
  }
  return std::nullopt;
}

std::string ensure_uuid_file(const std::string& path) {
  if (util::exists(path)) {
    ::chmod(path.c_str(), 0600);
    return strip(util::read_file(path));
  }
  std::string id = util::uuid4();
  util::write_file(path, id, 0600);
  ::chmod(path.c_str(), 0600);
  return id;
}

} // namespace api

std::string worker_info() {
  api::WorkerInfo info;
  info.cpu_count = ::sysconf(_SC_NPROCESSORS_ONLN);
  info.runner_version = version();
  auto meminfo = util::read_file_if_exists("/proc/meminfo");
  if (meminfo) {
    info.mem_in_bytes = api::parse_mem_total(*meminfo);
  }
  if (!info.mem_in_bytes) {
    info.errors.push_back("The /proc/meminfo file could not found, memory capacity undiscoverable.");
  }
  // Path.home(): $HOME, else the password database.
  const char* home = std::getenv("HOME");
  std::string home_dir = home && *home ? home : "";
  if (home_dir.empty()) {
    if (const passwd* pw = ::getpwuid(::getuid())) {
      home_dir = pw->pw_dir;
    }
  }
  try {
    info.uuid = api::ensure_uuid_file(util::path_join(home_dir, ".ansible_runner_uuid"));
  } catch (const Error& e) {
    info.errors.push_back(std::string("Could not find or create the node uuid file: ") + e.what());
  }
  return api::format_worker_info(info);
}

} // namespace ansible_runner
