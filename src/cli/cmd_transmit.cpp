// transmit <pdd>: the job stream on stdout (docs/streaming-protocol.md 2).
#include <iostream>
#include <memory>

#include <ansible_runner/streaming.hpp>

#include "cli/commands.hpp"
#include "cli/job_flags.hpp"
#include "util/fs.hpp"
#include "util/ids.hpp"
#include "util/pypath.hpp"

namespace ansible_runner::cli {

namespace {
struct TransmitCommand {
  JobFlags flags;
};

int transmit_command(TransmitCommand& c) {
  if (auto message = validate_job_flags(c.flags)) {
    std::cerr << *message << std::endl;
    return 1;
  }
  std::string pdd = util::py_abspath(c.flags.private_data_dir);
  util::make_dirs(pdd, 0700);
  // Role mode: like the reference, the generated playbook lives in the project dir while the
  // dir is zipped, and is removed afterwards.
  std::optional<RolePlaybook> role_playbook;
  auto role = c.flags.role.get();
  if (role && !role->empty()) {
    role_playbook = write_role_playbook(c.flags);
  }
  try {
    // Without --ident: the reference's UUID object, which JSON encodes as 32 hex digits.
    Json kwargs = transmit_kwargs_from_flags(c.flags, util::uuid4_hex(), role_playbook);
    ansible_runner::transmit(pdd, kwargs, 1);
  } catch (...) {
    if (role_playbook) {
      remove_role_playbook(*role_playbook);
    }
    throw;
  }
  if (role_playbook) {
    remove_role_playbook(*role_playbook);
  }
  return 0;
}
} // namespace

Action add_transmit_command(CLI::App& app, GlobalOptions&, DeferredOptions& deferred) {
  auto command = std::make_shared<TransmitCommand>();
  CLI::App* sub = app.add_subcommand("transmit", "Send a job to a remote ansible-runner process");
  deferred.defer(sub, [command](CLI::App& self) { add_job_flags(self, command->flags, false); });
  return [command]() { return transmit_command(*command); };
}

} // namespace ansible_runner::cli
