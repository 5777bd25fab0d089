#pragma once
// Answers password prompts from env/passwords (docs/private-data-dir.md 5): each pattern is a
// Python-syntax regex compiled MULTILINE (PCRE2 is close to Python's re), tried in order
// against the last 100 characters of output not yet consumed by a match.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ansible_runner::exec {

// One prompt of env/passwords (or the passwords option) and what to answer.
struct PasswordPrompt {
  std::string pattern;               // Python re syntax, compiled MULTILINE
  std::optional<std::string> answer; // null answer: send nothing
};

class PromptResponder {
public:
  // A pattern that does not compile disables all patterns, as in the reference.
  explicit PromptResponder(const std::vector<PasswordPrompt>& prompts);
  ~PromptResponder();
  PromptResponder(const PromptResponder&) = delete;
  PromptResponder& operator=(const PromptResponder&) = delete;

  // Feeds output text; returns the text to send (answer + "\n") when a prompt matched. A
  // matched prompt with a null answer consumes the output and sends nothing (empty string).
  std::optional<std::string> feed(std::string_view text);
  // After feed() matched: the offset in the text it was given just past the match.
  size_t match_end() const { return m_match_end; }
  bool empty() const { return m_patterns.empty(); }

private:
  struct Pattern;
  std::vector<std::unique_ptr<Pattern>> m_patterns;
  std::string m_window;
  size_t m_match_end = 0;
};

} // namespace ansible_runner::exec
