// util/shlex against Python 3.11's shlex.split / shlex.quote / shlex.join (the answers below are
// Python's, for the same input): the reference splits --cmdline and env/cmdline with it.
#include "util/shlex.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

#include <ansible_runner/errors.hpp>

using ansible_runner::util::shlex_join;
using ansible_runner::util::shlex_quote;
using ansible_runner::util::shlex_split;
using Words = std::vector<std::string>;

TEST(Shlex, SplitsAsPython) {
  EXPECT_EQ(shlex_split("a b  c"), (Words{"a", "b", "c"}));
  EXPECT_EQ(shlex_split("'a b' \"c d\""), (Words{"a b", "c d"}));
  EXPECT_EQ(shlex_split("a\\ b"), (Words{"a b"}));
  EXPECT_EQ(shlex_split("''"), (Words{""}));
  EXPECT_EQ(shlex_split("a''b"), (Words{"ab"}));
  EXPECT_EQ(shlex_split("-e 'x=1 y=2' --limit=web"), (Words{"-e", "x=1 y=2", "--limit=web"}));
  EXPECT_EQ(shlex_split("a #b"), (Words{"a", "#b"})) << "no comments";
  EXPECT_EQ(shlex_split("caf\xc3\xa9 'na\xc3\xafve x'"), (Words{"caf\xc3\xa9", "na\xc3\xafve x"}));
  EXPECT_EQ(shlex_split(" \t\n a\n"), (Words{"a"}));
  EXPECT_EQ(shlex_split("x\"y z\"w"), (Words{"xy zw"}));
  EXPECT_EQ(shlex_split(""), (Words{}));
}

TEST(Shlex, BackslashesAsPython) {
  // Outside quotes a backslash escapes any character; inside single quotes none.
  EXPECT_EQ(shlex_split("'a\\b'"), (Words{"a\\b"}));
  // Inside double quotes only \" and \\ are escapes: Python keeps the backslash before $, `
  // and a newline, where a POSIX shell would not.
  EXPECT_EQ(shlex_split("\"a\\\"b\" \"\\$x\" \"\\q\""), (Words{"a\"b", "\\$x", "\\q"}));
  EXPECT_EQ(shlex_split("-e \"home=\\$HOME\" -e \"tick=\\`x\\`\""), (Words{"-e", "home=\\$HOME", "-e", "tick=\\`x\\`"}));
  EXPECT_EQ(shlex_split("\"a\\\nb\""), (Words{"a\\\nb"}));
  EXPECT_EQ(shlex_split("\"a\\\\b\""), (Words{"a\\b"}));
}

TEST(Shlex, UnbalancedInputIsPythonsError) {
  for (const char* text : {"\"unterminated", "'x", "\"abc\\"}) {
    try {
      shlex_split(text);
      ADD_FAILURE() << text;
    } catch (const ansible_runner::Error& e) {
      EXPECT_STREQ(e.what(), "No closing quotation") << text;
    }
  }
  try {
    shlex_split("trailing\\");
    ADD_FAILURE();
  } catch (const ansible_runner::Error& e) {
    EXPECT_STREQ(e.what(), "No escaped character");
  }
}

TEST(Shlex, QuotesAsPython) {
  EXPECT_EQ(shlex_quote(""), "''");
  EXPECT_EQ(shlex_quote("abc"), "abc");
  EXPECT_EQ(shlex_quote("a b"), "'a b'");
  EXPECT_EQ(shlex_quote("it's"), "'it'\"'\"'s'");
  EXPECT_EQ(shlex_quote("x=1"), "x=1");
  EXPECT_EQ(shlex_quote("@%+=:,./-_"), "@%+=:,./-_");
  EXPECT_EQ(shlex_quote("a$b"), "'a$b'");
  EXPECT_EQ(shlex_quote("caf\xc3\xa9"), "'caf\xc3\xa9'");
  EXPECT_EQ(shlex_quote("a\nb"), "'a\nb'");
  EXPECT_EQ(shlex_join({"ansible-playbook", "-e", "x=1 y", "it's"}), "ansible-playbook -e 'x=1 y' 'it'\"'\"'s'");
  // What quote() makes, split() takes back.
  for (const std::string word : {"", "a b", "it's", "a\"b\\c", "$x `y`", "tab\there"}) {
    EXPECT_EQ(shlex_split(shlex_quote(word)), (Words{word})) << word;
  }
}
