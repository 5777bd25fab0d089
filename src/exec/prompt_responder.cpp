#include "exec/prompt_responder.hpp"

#include <algorithm>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace ansible_runner::exec {

struct PromptResponder::Pattern {
  pcre2_code* code = nullptr;
  pcre2_match_data* match = nullptr;
  std::optional<std::string> answer;
  ~Pattern() {
    if (match) {
      pcre2_match_data_free(match);
    }
    if (code) {
      pcre2_code_free(code);
    }
  }
};

namespace {
// pexpect's searchwindowsize for password prompts.
constexpr size_t k_window = 100;
} // namespace

PromptResponder::PromptResponder(const std::vector<PasswordPrompt>& prompts) {
  for (const auto& prompt : prompts) {
    auto pattern = std::make_unique<Pattern>();
    int error = 0;
    PCRE2_SIZE offset = 0;
    pattern->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(prompt.pattern.data()), prompt.pattern.size(),
                                  PCRE2_MULTILINE | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &error, &offset, nullptr);
    if (!pattern->code) {
      m_patterns.clear();
      return;
    }
    pattern->match = pcre2_match_data_create_from_pattern(pattern->code, nullptr);
    pattern->answer = prompt.answer;
    m_patterns.push_back(std::move(pattern));
  }
}

PromptResponder::~PromptResponder() = default;

std::optional<std::string> PromptResponder::feed(std::string_view text) {
  if (m_patterns.empty()) {
    return std::nullopt;
  }
  m_window.append(text);
  // Keep the last k_window characters (pexpect counts decoded characters, not bytes): walk back
  // over that many character starts; a byte that is not a UTF-8 continuation starts one.
  size_t keep_from = m_window.size();
  for (size_t chars = 0; keep_from > 0 && chars < k_window;) {
    --keep_from;
    if ((static_cast<unsigned char>(m_window[keep_from]) & 0xC0) != 0x80) {
      ++chars;
    }
  }
  m_window.erase(0, keep_from);
  // Like pexpect: the match that starts first wins; ties go to the earlier pattern.
  const Pattern* best = nullptr;
  PCRE2_SIZE best_start = 0;
  PCRE2_SIZE best_end = 0;
  for (const auto& pattern : m_patterns) {
    int rc = pcre2_match(pattern->code, reinterpret_cast<PCRE2_SPTR>(m_window.data()), m_window.size(), 0, 0,
                         pattern->match, nullptr);
    if (rc < 0) {
      continue;
    }
    PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(pattern->match);
    if (!best || ovector[0] < best_start) {
      best = pattern.get();
      best_start = ovector[0];
      best_end = ovector[1];
    }
  }
  if (best) {
    // The window ends where the fed text ends (a match ending before this text would have been
    // found by an earlier feed).
    m_match_end = text.size() - std::min(text.size(), m_window.size() - best_end);
    m_window.erase(0, best_end);
    return best->answer ? *best->answer + "\n" : std::string();
  }
  return std::nullopt;
}

} // namespace ansible_runner::exec
