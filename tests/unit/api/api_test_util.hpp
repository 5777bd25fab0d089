#pragma once
// Helpers for the public API tests: jobs played by tests/support/fake_playbook.py through
// run()'s raw `binary` mode (fast, no Ansible), and hand-written job_events/ files.
#include <string>
#include <vector>

#include <ansible_runner/json.hpp>
#include <ansible_runner/options.hpp>

#include "test_util.hpp"
#include "util/fs.hpp"
#include "util/python_json.hpp"

namespace ansible_runner::test {

// Single-quoted for the shell-split cmdline.
inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
  }
  return out + "'";
}

// A run() job whose "ansible" is the fake playbook performing `steps` (see its docstring).
inline RunOptions fake_run_options(const TempDir& dir, const std::vector<std::string>& steps,
                                   const std::string& ident = "t1") {
  RunOptions options;
  options.private_data_dir = dir.path();
  options.ident = ident;
  options.binary = "/usr/bin/python3";
  std::string cmdline = shell_quote(support_file("fake_playbook.py"));
  for (const auto& step : steps) {
    cmdline += " " + shell_quote(step);
  }
  options.cmdline = cmdline;
  options.quiet = true;
  return options;
}

// Writes job_events/<counter>-<uuid>.json with the given event type and host.
inline void write_event(const std::string& events_dir, long counter, const std::string& type,
                        const std::string& host = "") {
  util::make_dirs(events_dir, 0700);
  std::string uuid = "00000000-0000-4000-8000-" + std::string(12 - std::to_string(counter).size(), '0') +
                     std::to_string(counter);
  Json event = {{"uuid", uuid}, {"counter", counter}, {"event", type}};
  if (!host.empty()) {
    event["event_data"] = {{"host", host}};
  }
  util::write_file(events_dir + "/" + std::to_string(counter) + "-" + uuid + ".json", util::python_dumps(event));
}

} // namespace ansible_runner::test
