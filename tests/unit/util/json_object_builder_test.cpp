#include "util/json_object_builder.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <chrono>
#include <functional>
#include <optional>
#include <gtest/gtest.h>
#include <string>

#include "config/python_literal.hpp"
#include "util/big_integer.hpp"
#include "config/settings.hpp"
#include "config/yaml_value.hpp"

using ansible_runner::Json;
namespace util = ansible_runner::util;
namespace config = ansible_runner::config;

namespace {

TEST(ObjectBuilder, RepeatedKeysKeepTheirFirstPlaceAndTakeTheLastValue) {
  // Python's dict: {"a": 1, "b": 2, "a": 3} is {"a": 3, "b": 2}, small objects and large.
  EXPECT_EQ(util::parse_json(R"({"a": 1, "b": 2, "a": 3})").dump(), R"({"a":3,"b":2})");
  std::string text = "{";
  for (int i = 0; i < 40; ++i) {
    text += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ", ";
  }
  text += "\"k5\": \"again\", \"k39\": null}";
  Json value = util::parse_json(text);
  ASSERT_EQ(value.size(), 40u);
  EXPECT_EQ(value.begin().key(), "k0");
  EXPECT_EQ(value["k5"], "again");
  EXPECT_TRUE(value["k39"].is_null());
  EXPECT_EQ(std::next(value.begin(), 5).key(), "k5");
}

TEST(ObjectBuilder, SetAndContainsOnAnObjectThatAlreadyHasMembers) {
  Json object = Json::parse(R"({"x": 1})");
  util::ObjectBuilder members(object);
  for (int i = 0; i < 100; ++i) {
    members.set("k" + std::to_string(i % 50), i);
  }
  members.set("x", 2);
  EXPECT_EQ(object.size(), 51u);
  EXPECT_EQ(object["x"], 2);
  EXPECT_EQ(object["k0"], 50);
  EXPECT_TRUE(members.contains("k49"));
  EXPECT_FALSE(members.contains("k50"));
}

TEST(ParseJson, SameValuesAndErrorsAsNlohmann) {
  for (const char* text : {R"({"a": [1, -2, 3.5, "x", true, false, null, {"b": {}}, []]})", "[]", "\"s\"", "18446744073709551615",
                           R"({"uuid": "\u00e9\ud83d\ude00"})"}) {
    EXPECT_EQ(util::parse_json(text), Json::parse(text)) << text;
  }
  EXPECT_THROW(util::parse_json("{\"a\": "), Json::parse_error);
  EXPECT_TRUE(util::parse_json_or_discarded("{]").is_discarded());
}

// What Python's json.loads reads and strict JSON does not: NaN, Infinity, -Infinity, numbers
// beyond a double (infinity), integers of any length. Strings that look like them stay strings.
TEST(ParseJson, PythonLiteralsAsJsonLoadsReadsThem) {
  Json v = util::parse_json(R"({"n": NaN, "i": [Infinity, -Infinity, 1e999, -1E+400, 1e-999, 7], "s": "NaN Infinity 1e999",)"
                            R"( "k": {"Infinity": -0.0}, "m": 12, "l": NaN})");
  EXPECT_TRUE(std::isnan(v["n"].get<double>()));
  const double inf = std::numeric_limits<double>::infinity();
  ASSERT_EQ(6u, v["i"].size());
  EXPECT_EQ(inf, v["i"][0].get<double>());
  EXPECT_EQ(-inf, v["i"][1].get<double>());
  EXPECT_EQ(inf, v["i"][2].get<double>());
  EXPECT_EQ(-inf, v["i"][3].get<double>());
  EXPECT_EQ(0.0, v["i"][4].get<double>());
  EXPECT_EQ(7, v["i"][5].get<int>());
  EXPECT_EQ("NaN Infinity 1e999", v["s"]);
  EXPECT_TRUE(v["k"]["Infinity"].is_number_float());
  EXPECT_EQ(12, v["m"]);
  EXPECT_TRUE(std::isnan(v["l"].get<double>()));
  std::string digits(400, '7');
  Json big = util::parse_json("[" + digits + ", -" + digits + ".5]");
  EXPECT_EQ(digits, ansible_runner::util::big_integer_text(big[0]).value_or(""));
  EXPECT_EQ(-inf, big[1].get<double>());
  EXPECT_THROW(util::parse_json("[NaNa]"), Json::parse_error);
  EXPECT_THROW(util::parse_json("[nan]"), Json::parse_error);
  EXPECT_THROW(util::parse_json("[Infinit]"), Json::parse_error);
}

// Time of the best of three calls of `work(n)`.
double best_time(const std::function<void(size_t)>& work, size_t n) {
  double best = 1e9;
  for (int round = 0; round < 3; ++round) {
    auto start = std::chrono::steady_clock::now();
    work(n);
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

// 10x the keys may cost up to 40x the time (caches, allocator); inserting through
// ordered_json's operator[] cost 100x and more (80,000 kwargs took 8 s).
void expect_linear_in_width(const char* what, const std::function<void(size_t)>& work) {
  double small = best_time(work, 4'000);
  double large = best_time(work, 40'000);
  EXPECT_LT(large, small * 40) << what << ": 4,000 keys " << small << " s, 40,000 keys " << large << " s";
}

std::string json_object_text(size_t n) {
  std::string text = "{";
  for (size_t i = 0; i < n; ++i) {
    text += (i ? ", \"key" : "\"key") + std::to_string(i) + "\": " + std::to_string(i);
  }
  return text + "}";
}

TEST(LinearTime, ObjectsWithManyKeys) {
  expect_linear_in_width("JSON", [](size_t n) {
    std::string text = json_object_text(n);
    EXPECT_EQ(util::parse_json(text).size(), n);
  });
  expect_linear_in_width("Python literal", [](size_t n) {
    std::string text = json_object_text(n);
    EXPECT_EQ(config::parse_python_literal(text)->size(), n);
  });
  expect_linear_in_width("YAML", [](size_t n) {
    std::string text;
    for (size_t i = 0; i < n; ++i) {
      text += "key" + std::to_string(i) + ": " + std::to_string(i) + "\n";
    }
    config::YamlError error;
    EXPECT_EQ(config::parse_yaml(text, error)->size(), n);
  });
  expect_linear_in_width("settings merge", [](size_t n) {
    Json a = util::parse_json(json_object_text(n));
    Json b = util::parse_json(json_object_text(n));
    EXPECT_EQ(config::merge_mappings(a, b).size(), n);
  });
}

} // namespace

namespace {

using Limit = util::JsonLimitError::Limit;

// The limit a text is refused for, or nullopt when it parses.
std::optional<Limit> refused_for(const std::string& text, const util::JsonLimits& limits) {
  try {
    util::parse_json(text, limits);
    return std::nullopt;
  } catch (const util::JsonLimitError& e) {
    EXPECT_TRUE(util::parse_json_or_discarded(text, limits).is_discarded()) << text;
    return e.limit();
  }
}

TEST(JsonLimits, EachLimitHoldsAtItsValueAndRefusesOneMore) {
  util::JsonLimits depth{.max_depth = 3};
  EXPECT_EQ(refused_for("[[{}]]", depth), std::nullopt);
  EXPECT_EQ(refused_for("[[{\"a\": []}]]", depth), Limit::depth);
  EXPECT_EQ(refused_for("[\"[[[[\"]", depth), std::nullopt); // brackets in strings do not count

  util::JsonLimits values{.max_values = 4}; // containers count, keys do not
  EXPECT_EQ(refused_for(R"({"a": 1, "b": [2]})", values), std::nullopt);
  EXPECT_EQ(refused_for(R"({"a": 1, "b": [2, 3]})", values), Limit::values);

  util::JsonLimits strings{.max_string_bytes = 3}; // decoded bytes: "\u00e9" is two
  EXPECT_EQ(refused_for(R"(["abc", "\u00e9x"])", strings), std::nullopt);
  EXPECT_EQ(refused_for(R"(["abcd"])", strings), Limit::string_bytes);
  EXPECT_EQ(refused_for(R"({"abcd": 1})", strings), Limit::string_bytes);
}

TEST(JsonLimits, TheMessageNamesTheLimit) {
  try {
    util::parse_json("[1, 2, 3]", util::JsonLimits{.max_values = 2});
    FAIL() << "not refused";
  } catch (const util::JsonLimitError& e) {
    EXPECT_STREQ(e.what(), "more than 2 values");
  }
}

} // namespace
