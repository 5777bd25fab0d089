// exec/prompt_responder: how env/passwords answers prompts (docs/private-data-dir.md 5): Python
// re patterns compiled MULTILINE, searched in the last 100 characters (not bytes) of output not consumed by
// an earlier match, the earliest match first, ties to the earlier pattern (pexpect's rules).
#include "exec/prompt_responder.hpp"

#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <vector>

using ansible_runner::exec::PasswordPrompt;
using ansible_runner::exec::PromptResponder;

namespace {

std::vector<PasswordPrompt> prompts(std::initializer_list<std::pair<const char*, const char*>> list) {
  std::vector<PasswordPrompt> out;
  for (const auto& [pattern, answer] : list) {
    out.push_back({pattern, answer ? std::optional<std::string>(answer) : std::nullopt});
  }
  return out;
}

} // namespace

TEST(PromptResponder, AnswersAPromptOnce) {
  PromptResponder r(prompts({{"Password:\\s*$", "s3cret"}}));
  EXPECT_EQ(r.feed("connecting...\n"), std::nullopt);
  EXPECT_EQ(r.feed("Password: "), "s3cret\n");
  EXPECT_EQ(r.feed("\n"), std::nullopt) << "the matched text is consumed";
  EXPECT_EQ(r.feed("Password: "), "s3cret\n") << "a second prompt is answered again";
}

TEST(PromptResponder, APromptSplitAcrossReadsMatches) {
  PromptResponder r(prompts({{"Vault password:", "v"}}));
  EXPECT_EQ(r.feed("Vault pass"), std::nullopt);
  EXPECT_EQ(r.feed("word:"), "v\n");
}

TEST(PromptResponder, EarliestMatchWinsTiesGoToTheFirstPattern) {
  PromptResponder earliest(prompts({{"world", "second"}, {"hello", "first"}}));
  EXPECT_EQ(earliest.feed("hello world"), "first\n");
  PromptResponder tie(prompts({{"pass\\w*", "a"}, {"password", "b"}}));
  EXPECT_EQ(tie.feed("password"), "a\n");
}

TEST(PromptResponder, ANullAnswerConsumesAndSendsNothing) {
  PromptResponder r(prompts({{"Continue\\?", nullptr}, {"Password:", "pw"}}));
  EXPECT_EQ(r.feed("Continue?"), "");
  EXPECT_EQ(r.feed(" "), std::nullopt);
}

TEST(PromptResponder, PythonSyntaxAndMultiline) {
  PromptResponder r(prompts({{"(?i)^(?P<what>become) password:", "b"}}));
  EXPECT_EQ(r.feed("first line\nBECOME password:"), "b\n") << "^ matches after a newline";
  PromptResponder digits(prompts({{"code \\d{3}:", "ok"}}));
  EXPECT_EQ(digits.feed("enter code 123:"), "ok\n");
}

TEST(PromptResponder, APatternThatDoesNotCompileDisablesAll) {
  PromptResponder r(prompts({{"Password:", "pw"}, {"(unclosed", "x"}}));
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.feed("Password:"), std::nullopt);
  EXPECT_TRUE(PromptResponder({}).empty());
}

TEST(PromptResponder, OnlyTheLast100CharactersAreSearched) {
  PromptResponder r(prompts({{"Password:", "pw"}}));
  EXPECT_EQ(r.feed("Password:" + std::string(200, 'x')), std::nullopt) << "scrolled out of the window";
  EXPECT_EQ(r.feed("Password:"), "pw\n");
  // 100 characters, not bytes: 9 + 60 two-byte characters fit (129 bytes).
  std::string accents;
  for (int i = 0; i < 60; ++i) {
    accents += "\xc3\xa9";
  }
  EXPECT_EQ(r.feed("Password:" + accents), "pw\n");
  // A character that falls out goes whole.
  PromptResponder utf8(prompts({{"\xc3\xa9" "a", "e"}, {"^a", "start"}}));
  EXPECT_EQ(utf8.feed("\xc3\xa9" "a" + std::string(99, 'z')), "start\n") << "the window starts at the a";
}

TEST(PromptResponder, InvalidUtf8OutputDoesNotStopMatching) {
  PromptResponder r(prompts({{"Password:", "pw"}}));
  EXPECT_EQ(r.feed("\xff\xfe garbage \xc3"), std::nullopt);
  EXPECT_EQ(r.feed("\nPassword:"), "pw\n");
}

TEST(PromptResponder, SaysWhereInTheTextItWasGivenThePromptEnded) {
  PromptResponder r(prompts({{"Password:", "pw"}}));
  EXPECT_EQ(r.feed("abc Password: xyz"), "pw\n");
  EXPECT_EQ(r.match_end(), 13u);
  EXPECT_EQ(r.feed("Pass"), std::nullopt);
  EXPECT_EQ(r.feed("word: tail"), "pw\n");
  EXPECT_EQ(r.match_end(), 5u) << "begun in an earlier text";
  EXPECT_EQ(r.feed(std::string(300, 'x') + "Password:" + std::string(50, 'y')), "pw\n");
  EXPECT_EQ(r.match_end(), 309u) << "a text longer than the window";
}
