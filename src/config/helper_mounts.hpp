#pragma once
// The mounts and options the reference adds to a command helper's container (its
// wrap_args_for_containerization for execution modes other than "run"), in its order:
//   1. for an ansible* executable: the playbook's directory (ansible-playbook only) and the
//      directories of the values of -i/--inventory/--inventory-file (not "host," lists),
//      --vault-password-file/--vault-pass-file and --private-key/--key-file; nothing when the
//      arguments hold -h/--help;
//   2. SSH_AUTH_SOCK: `-e SSH_AUTH_SOCK=<dest>` and its mount (a path under $HOME maps to
//      /home/runner/<path with the characters of $HOME stripped from its start>, the
//      reference's lstrip); ~/.ssh/ to /home/runner/.ssh/ and /root/.ssh/;
//      /etc/ssh/ssh_known_hosts;
//   3. podman: --group-add=root --ipc=host;
//   4. <pdd>/project and <pdd>/artifacts created (0700); <pdd>/artifacts to /runner/artifacts/:Z.
// Throws ConfigurationError for a mount of '/', '/home' or '/usr'.
#include <string>
#include <vector>

#include "config/container.hpp"
#include "config/volume_mounts.hpp"

namespace ansible_runner::config {

void add_helper_mounts(std::vector<std::string>& args, VolumeMounts& mounts, const ContainerSpec& spec,
                       const std::vector<std::string>& command);

// The reference's _get_playbook_path: the argument that looks like the playbook once the
// inventory options and their values are removed; "" when there is none.
std::string helper_playbook_path(const std::vector<std::string>& cmdline_args);

} // namespace ansible_runner::config
