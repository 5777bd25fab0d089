#pragma once
// Options of a subcommand that are declared only when the command line selects it. Declaring
// every subcommand's options (the run commands and transmit have about 80 each) was a third of
// the executable's start-up, and `--version` or `worker --worker-info` (which Receptor runs on
// every execution node check) need none of them (bench/FINDINGS.md, "Start-up").
#include <functional>
#include <map>
#include <vector>

#include <CLI/CLI.hpp>

namespace ansible_runner::cli {

class DeferredOptions {
public:
  // Declares `declare`'s options on `sub` when `sub` is selected, after those deferred before.
  void defer(CLI::App* sub, std::function<void(CLI::App&)> declare) { m_pending[sub].push_back(std::move(declare)); }

  // Declares what was deferred for `sub` (once; later calls do nothing).
  void declare_for(CLI::App& sub) {
    auto it = m_pending.find(&sub);
    if (it == m_pending.end()) {
      return;
    }
    std::vector<std::function<void(CLI::App&)>> pending = std::move(it->second);
    m_pending.erase(it);
    for (auto& declare : pending) {
      declare(sub);
    }
  }

private:
  std::map<CLI::App*, std::vector<std::function<void(CLI::App&)>>> m_pending;
};

} // namespace ansible_runner::cli
