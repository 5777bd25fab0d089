#include "util/pypath.hpp"

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace ansible_runner::util {

namespace {
std::vector<std::string> split_components(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) {
      j = path.size();
    }
    parts.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

std::string current_dir() {
  std::error_code ec;
  auto cwd = std::filesystem::current_path(ec);
  return ec ? std::string("/") : cwd.string();
}
} // namespace

std::string py_normpath(const std::string& path) {
  if (path.empty()) {
    return ".";
  }
  // POSIX keeps exactly two leading slashes; Python follows that rule.
  size_t leading = 0;
  while (leading < path.size() && path[leading] == '/') {
    ++leading;
  }
  std::string prefix = leading == 0 ? "" : leading == 2 ? "//" : "/";
  std::vector<std::string> out;
  for (auto& part : split_components(path)) {
    if (part.empty() || part == ".") {
      continue;
    }
    if (part == "..") {
      if (!out.empty() && out.back() != "..") {
        out.pop_back();
        continue;
      }
      if (!prefix.empty()) {
        continue; // ".." above the root stays at the root
      }
    }
    out.push_back(part);
  }
  std::string result = prefix;
  for (size_t k = 0; k < out.size(); ++k) {
    if (k > 0) {
      result += '/';
    }
    result += out[k];
  }
  return result.empty() ? "." : result;
}

std::string py_abspath(const std::string& path) {
  if (!path.starts_with('/')) {
    return py_normpath(current_dir() + "/" + path);
  }
  return py_normpath(path);
}

std::string py_realpath(const std::string& path) {
  std::unique_ptr<char, decltype(&std::free)> resolved(::realpath(path.c_str(), nullptr), &std::free);
  if (resolved) {
    return resolved.get();
  }
  // Python resolves what exists and keeps the rest; for a missing leaf resolve the parent.
  std::string abs = py_abspath(path);
  auto slash = abs.rfind('/');
  if (slash == std::string::npos || abs == "/") {
    return abs;
  }
  std::string parent = slash == 0 ? "/" : abs.substr(0, slash);
  std::string leaf = abs.substr(slash + 1);
  std::string real_parent = parent == abs ? parent : py_realpath(parent);
  return real_parent == "/" ? "/" + leaf : real_parent + "/" + leaf;
}

std::string py_relpath(const std::string& path, const std::string& start) {
  auto target = split_components(py_abspath(path));
  auto base = split_components(py_abspath(start));
  auto clean = [](std::vector<std::string>& v) {
    std::erase_if(v, [](const std::string& s) { return s.empty(); });
  };
  clean(target);
  clean(base);
  size_t common = 0;
  while (common < target.size() && common < base.size() && target[common] == base[common]) {
    ++common;
  }
  std::string result;
  for (size_t k = common; k < base.size(); ++k) {
    result += result.empty() ? ".." : "/..";
  }
  for (size_t k = common; k < target.size(); ++k) {
    if (!result.empty()) {
      result += '/';
    }
    result += target[k];
  }
  return result.empty() ? "." : result;
}

bool py_isfile(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool py_isdir(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

} // namespace ansible_runner::util
