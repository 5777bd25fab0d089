#pragma once
// The CLI's --debug and --logfile: diagnostic lines about how a job was prepared (which env
// files were read, the child's environment, the command). Off until the CLI configures it; the
// library only calls line(), which costs one atomic load when off.
#include <string>
#include <string_view>

namespace ansible_runner::util::debug_log {

// `debug` turns the messages on; they go to `console_fd` (the reference prints them on stdout,
// which corrupts the stream of transmit and worker: those pass stderr) and, when `logfile` is
// not empty, are appended to it with a timestamp. As in the reference, --logfile alone creates
// the file and writes nothing. Throws ansible_runner::Error naming the file when it cannot be
// opened.
void configure(bool debug, int console_fd, const std::string& logfile);

bool enabled();

// One message (one record); written whole, from any thread.
void line(std::string_view message);

} // namespace ansible_runner::util::debug_log
