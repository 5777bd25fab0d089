// Runs a playbook and counts its events by type with an event handler, then prints the
// playbook_on_stats summary read back from the artifacts.
//
//   count_events <private data dir> <playbook> [ident]
// e.g. count_events /tmp/demo test.yml   (a copy of examples/demo)
#include <cstdio>
#include <exception>
#include <map>
#include <string>

#include <ansible_runner/ansible_runner.hpp>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s PRIVATE_DATA_DIR PLAYBOOK [IDENT]\n", argv[0]);
    return 2;
  }
  ansible_runner::RunOptions options;
  options.private_data_dir = argv[1];
  options.playbook = argv[2];
  if (argc > 3) {
    options.ident = argv[3];
  }
  options.quiet = true;

  std::map<std::string, int> counts;
  ansible_runner::Handlers handlers;
  handlers.on_event = [&counts](const ansible_runner::Json& event) {
    ++counts[event.value("event", std::string("?"))];
    return true; // keep job_events/<counter>-<uuid>.json
  };

  try {
    ansible_runner::RunResult result = ansible_runner::run(options, handlers);
    for (const auto& [type, n] : counts) {
      std::printf("%-32s %d\n", type.c_str(), n);
    }
    std::printf("status: %s, rc: %s\n", result.status.c_str(),
                result.rc ? std::to_string(*result.rc).c_str() : "None");
    if (auto stats = result.stats()) {
      std::printf("stats: %s\n", stats->dump().c_str());
    }
    return result.status == "successful" ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
