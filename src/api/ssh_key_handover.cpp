#include "api/ssh_key_handover.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

#include "util/fd.hpp"

namespace ansible_runner::api {

SshKeyHandover::SshKeyHandover(const config::JobConfig& config)
    : m_config(config), m_pending(config.ssh_key.has_value() && !config.ssh_key_fifo.empty()) {
  if (!m_pending) {
    return;
  }
  ::unlink(m_config.ssh_key_fifo.c_str()); // left by an earlier run with the same ident
  if (::mkfifo(m_config.ssh_key_fifo.c_str(), 0600) != 0) {
    throw Error("cannot create the ssh key FIFO " + m_config.ssh_key_fifo + ": " + std::strerror(errno));
  }
}

SshKeyHandover::~SshKeyHandover() {
  if (!m_config.ssh_key_fifo.empty()) {
    ::unlink(m_config.ssh_key_fifo.c_str());
  }
}

void SshKeyHandover::poll() {
  if (!m_pending) {
    return;
  }
  util::UniqueFd fifo(::open(m_config.ssh_key_fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
  if (fifo) {
    util::set_nonblocking(fifo.get(), false);
    util::write_all(fifo.get(), *m_config.ssh_key);
    m_pending = false;
  }
}

} // namespace ansible_runner::api
