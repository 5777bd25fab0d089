#include "stream/zip_name_check.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <gtest/gtest.h>
#include <string>
#include <vector>

using ansible_runner::stream::ZipNameCheck;

namespace {

std::optional<std::string> check_all(const std::vector<std::pair<std::string, bool>>& names) {
  ZipNameCheck check;
  for (const auto& [name, directory] : names) {
    if (auto problem = check.add(name, directory)) {
      return problem;
    }
  }
  return std::nullopt;
}

TEST(ZipNameCheck, OrdinaryTreesPass) {
  EXPECT_EQ(check_all({{"project/", true}, {"project/site.yml", false}, {"project/roles/x/tasks/main.yml", false},
                       {"env/", true}, {"env/extravars", false}, {"inventory/hosts", false}}),
            std::nullopt);
}

TEST(ZipNameCheck, RepeatedNamesAreNamed) {
  EXPECT_EQ(check_all({{"a", false}, {"b", false}, {"a", false}}), "the zip archive has two entries named 'a'");
}

TEST(ZipNameCheck, FileAndDirectoryConflictsNameThePath) {
  EXPECT_EQ(check_all({{"d/", true}, {"d", false}}), "the zip archive names 'd' both as a file and as a directory");
  EXPECT_EQ(check_all({{"d", false}, {"d/x/y", false}}),
            "the zip archive names 'd' both as a file and as a directory");
  EXPECT_EQ(check_all({{"a/b/c", false}, {"a/b", false}}),
            "the zip archive names 'a/b' both as a file and as a directory");
  EXPECT_EQ(check_all({{"a/b", false}, {"a/b/c/", true}}),
            "the zip archive names 'a/b' both as a file and as a directory");
}

TEST(ZipNameCheck, SpellingsOfOnePathAreOnePath) {
  EXPECT_EQ(check_all({{"a", false}, {"./a", false}, {"d/", true}, {"./d//", true}, {"d/./x", false}}), std::nullopt);
  EXPECT_NE(check_all({{"./d/x", false}, {"d", false}}), std::nullopt);
}

TEST(ZipNameCheck, AFileNamedTwiceIsReported) {
  ZipNameCheck once;
  for (const char* name : {"a", "d/", "./d//", "d/x", "b"}) {
    ASSERT_EQ(once.add(name, std::string(name).ends_with('/')), std::nullopt);
  }
  EXPECT_FALSE(once.repeats_a_file()); // a directory under two spellings is no repeated file
  ZipNameCheck twice;
  ASSERT_EQ(twice.add("a", false), std::nullopt);
  ASSERT_EQ(twice.add("./a", false), std::nullopt);
  EXPECT_TRUE(twice.repeats_a_file());
}

TEST(ZipNameCheck, LongNamesAreCutInTheMessage) {
  std::string name(5000, 'n');
  auto problem = check_all({{name, false}, {name, false}});
  ASSERT_TRUE(problem);
  EXPECT_LT(problem->size(), 1200u);
  EXPECT_NE(problem->find("(cut, 5000 bytes)"), std::string::npos);
}

// Deep names are where a prefix-per-name check goes quadratic: 30x the depth costs 900x the
// work there. Here it may cost up to 300x the time, no more. Both tables stay within the
// caches (60,000 nodes: ~4 MB), since a table leaving them costs several times more per node,
// which a time ratio cannot tell from the algorithm (30-47x measured).
TEST(ZipNameCheck, DepthCostsLinearTime) {
  auto time_for = [](size_t depth) {
    std::string name;
    for (size_t i = 0; i < depth; ++i) {
      name += "a/";
    }
    name += "leaf";
    double best = 1e9; // the best of three: a busy machine only ever adds time
    for (int round = 0; round < 3; ++round) {
      auto start = std::chrono::steady_clock::now();
      ZipNameCheck check;
      EXPECT_EQ(check.add(name, false), std::nullopt);
      EXPECT_NE(check.add(name.substr(0, name.size() / 2), false), std::nullopt); // a directory above
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return best;
  };
  double small = time_for(2'000);
  double large = time_for(60'000);
  EXPECT_LT(large, small * 300) << "depth 2,000: " << small << " s, depth 60,000: " << large << " s";
  std::printf("ZipNameCheck depth 2,000: %.5f s, 60,000: %.4f s (%.0fx)\n", small, large, large / small);
}

} // namespace
