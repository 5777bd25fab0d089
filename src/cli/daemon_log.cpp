#include "cli/daemon_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "util/fs.hpp"

namespace ansible_runner::cli {

void create_daemon_log(const std::string& private_data_dir) {
  std::string log = util::path_join(private_data_dir, "daemon.log");
  int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
  }
}

} // namespace ansible_runner::cli
