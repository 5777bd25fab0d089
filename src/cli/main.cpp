#include <cstdio>

#include <ansible_runner/runner.hpp>

int main() {
  std::puts(ansible_runner::version());
  return 0;
}
