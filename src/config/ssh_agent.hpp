#pragma once
// Wrapping a command so that it runs under an ssh-agent loaded from a FIFO (docs/execution.md 6).
#include <string>
#include <vector>

namespace ansible_runner::config {

// ['ssh-agent', 'sh', '-c', "trap 'rm -f P' EXIT && ssh-add P && rm -f P && <quoted command>"]
// with P = key_path, shell-quoted where the reference quotes it (not in the bare `rm -f P`).
std::vector<std::string> wrap_with_ssh_agent(const std::vector<std::string>& command, const std::string& key_path);

} // namespace ansible_runner::config
