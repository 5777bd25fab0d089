#pragma once
// Hands the job's ssh key to ssh-add through the FIFO <artifact_dir>/ssh_key_data
// (docs/execution.md 6) without a thread: the run loop calls poll() each tick, and the key is
// written once the wrapper's ssh-add has opened the FIFO for reading. The key never lands in
// a regular file. Unlike the reference's blocking writer thread, a FIFO nobody reads cannot
// keep the runner from exiting.
#include "config/job_config.hpp"

namespace ansible_runner::api {

class SshKeyHandover {
public:
  // Creates the FIFO (0600) when the job has a key.
  explicit SshKeyHandover(const config::JobConfig& config);
  // Removes the FIFO if the wrapper did not.
  ~SshKeyHandover();
  SshKeyHandover(const SshKeyHandover&) = delete;
  SshKeyHandover& operator=(const SshKeyHandover&) = delete;

  void poll();

private:
  const config::JobConfig& m_config;
  bool m_pending;
};

} // namespace ansible_runner::api
