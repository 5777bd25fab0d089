#include "util/python_float.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <limits>

using ansible_runner::util::python_float;

// Each case as Python 3.11's float() answers it.
TEST(PythonFloat, AcceptsWhatPythonAccepts) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(1.5, python_float("1.5"));
  EXPECT_EQ(-0.5, python_float(" -.5\n"));
  EXPECT_EQ(5.0, python_float("5."));
  EXPECT_EQ(1000.5, python_float("1_000.5"));
  EXPECT_EQ(120.0, python_float("1.2E+2"));
  EXPECT_EQ(inf, python_float("1e999"));
  EXPECT_EQ(-inf, python_float("-1e999"));
  EXPECT_EQ(0.0, python_float("1e-999"));
  EXPECT_EQ(inf, python_float("Infinity"));
  EXPECT_EQ(-inf, python_float("-inf"));
  EXPECT_TRUE(std::isnan(python_float("NaN").value()));
  EXPECT_EQ(7.0, python_float("+7"));
}

TEST(PythonFloat, RefusesWhatPythonRefuses) {
  for (const char* text : {"", " ", ".", "e5", "1e", "1e+", "0x1p3", "1__0", "_1", "1_", "1_.5", "1._5", "--1", "1.5x",
                           "infinit", "nan(1)", "1 2", "1e5.5"}) {
    EXPECT_FALSE(python_float(text)) << text;
  }
}
