#include <gtest/gtest.h>

#include "util/pypath.hpp"

namespace ansible_runner::util {
namespace {

TEST(PyPath, Normpath) {
  EXPECT_EQ(py_normpath(""), ".");
  EXPECT_EQ(py_normpath("/a/b/"), "/a/b");
  EXPECT_EQ(py_normpath("/a//b/./c/.."), "/a/b");
  EXPECT_EQ(py_normpath("a/../.."), "..");
  EXPECT_EQ(py_normpath("/../x"), "/x");
  EXPECT_EQ(py_normpath("//x"), "//x");
  EXPECT_EQ(py_normpath("///x"), "/x");
}

TEST(PyPath, AbspathAndRelpath) {
  EXPECT_EQ(py_abspath("/tmp/x/"), "/tmp/x");
  EXPECT_EQ(py_relpath("/a/b/c", "/a"), "b/c");
  EXPECT_EQ(py_relpath("/a", "/a"), ".");
  EXPECT_EQ(py_relpath("/a/x", "/a/b"), "../x");
}

TEST(PyPath, RealpathOfMissingLeafKeepsIt) {
  EXPECT_EQ(py_realpath("/nonexistent-dir-xyz/leaf"), "/nonexistent-dir-xyz/leaf");
}

} // namespace
} // namespace ansible_runner::util
