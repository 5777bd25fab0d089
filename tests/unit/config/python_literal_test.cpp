#include <gtest/gtest.h>

#include <ansible_runner/errors.hpp>

#include "config/python_literal.hpp"
#include "config/role.hpp"

namespace ansible_runner::config {
namespace {

TEST(PythonLiteral, Scalars) {
  EXPECT_EQ(*parse_python_literal("5"), Json(5));
  EXPECT_EQ(*parse_python_literal("-5"), Json(-5));
  EXPECT_EQ(*parse_python_literal("1_000"), Json(1000));
  EXPECT_EQ(*parse_python_literal("0x10"), Json(16));
  EXPECT_EQ(*parse_python_literal("1.5"), Json(1.5));
  EXPECT_EQ(*parse_python_literal("1e3"), Json(1000.0));
  EXPECT_EQ(*parse_python_literal("True"), Json(true));
  EXPECT_EQ(*parse_python_literal("None"), Json(nullptr));
  EXPECT_EQ(*parse_python_literal("'x'"), Json("x"));
  EXPECT_EQ(*parse_python_literal("\"a\\nb\""), Json("a\nb"));
  EXPECT_EQ(*parse_python_literal("'a' 'b'"), Json("ab"));
}

TEST(PythonLiteral, Containers) {
  EXPECT_EQ(parse_python_literal("[1,2]")->dump(), "[1,2]");
  EXPECT_EQ(parse_python_literal("(1,)")->dump(), "[1]");
  EXPECT_EQ(parse_python_literal("(1)")->dump(), "1");
  EXPECT_EQ(parse_python_literal("{'a':1,2:True}")->dump(), R"({"a":1,"2":true})");
}

TEST(PythonLiteral, NotLiterals) {
  EXPECT_FALSE(parse_python_literal("text"));
  EXPECT_FALSE(parse_python_literal("012"));
  EXPECT_FALSE(parse_python_literal("{1,2}"));
  EXPECT_FALSE(parse_python_literal("[1,"));
  EXPECT_FALSE(parse_python_literal("'open"));
  EXPECT_FALSE(parse_python_literal("1+"));
}

TEST(RoleVars, ParsesItems) {
  Json vars = parse_role_vars("a=1 b=[1,2] c=text d='q' e=");
  EXPECT_EQ(vars.dump(), R"({"a":1,"b":[1,2],"c":"text","d":"q","e":""})");
}

TEST(RoleVars, ItemWithoutOrWithTwoEqualsIsAnError) {
  EXPECT_THROW(parse_role_vars("novalue"), ConfigurationError);
  EXPECT_THROW(parse_role_vars("a=b=c"), ConfigurationError);
}

TEST(RolePlaybook, ApiAndCliShapes) {
  Json vars = Json::object({{"x", 1}});
  EXPECT_EQ(role_playbook("r", vars, "all", true).dump(),
            R"([{"hosts":"all","roles":[{"name":"r","vars":{"x":1}}],"gather_facts":false}])");
  EXPECT_EQ(role_playbook("r", std::nullopt, "web", false).dump(), R"([{"hosts":"web","roles":[{"name":"r"}]}])");
  EXPECT_EQ(cli_role_playbook("r", std::nullopt, "all", false).dump(),
            R"([{"hosts":"all","gather_facts":true,"roles":[{"name":"r"}]}])");
}

TEST(RolePlaybook, RolesPath) {
  EXPECT_EQ(role_mode_roles_path(std::nullopt, "/p"), "/p/roles");
  EXPECT_EQ(role_mode_roles_path(Json("/r"), "/p"), "/r:/p/roles");
  EXPECT_EQ(role_mode_roles_path(Json::array({"/a", "/b"}), "/p"), "/a:/b:/p/roles");
}

} // namespace
} // namespace ansible_runner::config
