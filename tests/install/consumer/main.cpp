// A minimal user of the installed library: runs a command as a job, prints its output.
#include <cstdio>

#include <ansible_runner/ansible_runner.hpp>

int main(int argc, char** argv) {
  ansible_runner::CommandOptions options;
  options.private_data_dir = argc > 1 ? argv[1] : "consumer-pdd";
  options.runner_mode = ansible_runner::RunnerMode::subprocess;
  options.quiet = true;
  auto r = ansible_runner::run_command("echo", std::vector<std::string>{"hello from", ansible_runner::version()}, options);
  std::printf("%s rc=%d status=%s\n", r.response.c_str(), r.rc.value_or(-1), r.runner.status.c_str());
  return r.rc == 0 ? 0 : 1;
}
