#pragma once
// The empty <pdd>/daemon.log the reference's CLI creates for every subcommand except run,
// transmit and worker (it is where its start daemon and process write their tracebacks).
#include <string>

namespace ansible_runner::cli {

void create_daemon_log(const std::string& private_data_dir);

} // namespace ansible_runner::cli
