#include "util/shlex.hpp"

#include <ansible_runner/errors.hpp>

namespace ansible_runner::util {

std::vector<std::string> shlex_split(const std::string& s) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) {
        words.push_back(std::move(word));
        word.clear();
        in_word = false;
      }
      ++i;
    } else if (c == '\'') {
      auto end = s.find('\'', i + 1);
      if (end == std::string::npos) {
        throw Error("No closing quotation");
      }
      word.append(s, i + 1, end - i - 1);
      in_word = true;
      i = end + 1;
    } else if (c == '"') {
      in_word = true;
      ++i;
      for (;;) {
        if (i >= s.size()) {
          throw Error("No closing quotation");
        }
        char d = s[i];
        if (d == '"') {
          ++i;
          break;
        }
        // Inside double quotes a backslash escapes only " and itself (Python's shlex; a POSIX
        // shell would also take $, ` and newline): "\$x" stays \$x.
        if (d == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) {
          word += s[i + 1];
          i += 2;
          continue;
        }
        word += d;
        ++i;
      }
    } else if (c == '\\') {
      if (i + 1 >= s.size()) {
        throw Error("No escaped character");
      }
      word += s[i + 1];
      in_word = true;
      i += 2;
    } else {
      word += c;
      in_word = true;
      ++i;
    }
  }
  if (in_word) {
    words.push_back(std::move(word));
  }
  return words;
}

std::string shlex_join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) {
    if (!out.empty()) {
      out += ' ';
    }
    out += shlex_quote(word);
  }
  return out;
}

std::string shlex_quote(const std::string& s) {
  if (s.empty()) {
    return "''";
  }
  bool safe = true;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '@' ||
              c == '%' || c == '+' || c == '=' || c == ':' || c == ',' || c == '.' || c == '/' || c == '-' ||
              c == '_';
    if (!ok) {
      safe = false;
      break;
    }
  }
  if (safe) {
    return s;
  }
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\"'\"'";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

} // namespace ansible_runner::util
