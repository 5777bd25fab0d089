#pragma once
// The three streaming roles (streaming-protocol.md): transmit -> worker -> process.
// Each works on file descriptors so a program can put the phases on any transport.
#include <optional>
#include <string>
#include <vector>

#include <ansible_runner/json.hpp>
#include <ansible_runner/runner.hpp>

namespace ansible_runner {

struct TransmitOptions {
  // Send only the kwargs line; the worker then uses its own --private-data-dir as is.
  bool only_transmit_kwargs = false;
};

// Writes the job stream: the kwargs line, the private data dir as a zip payload, eof.
// `kwargs` are the job's run() keyword arguments as the reference's transmit sends them.
// Throws Error on I/O failure; what was written so far stays written.
void transmit(const std::string& private_data_dir, const Json& kwargs, int out_fd,
              const TransmitOptions& options = {});

struct WorkerOptions {
  std::optional<std::string> private_data_dir; // unset: a temp dir, removed at the end
  bool delete_private_data_dir = false;        // --delete
  double keepalive_seconds = 0;                 // 0: off
};

// Reads a job stream from in_fd, runs the job, writes the result stream to out_fd.
// Never throws for bad input: errors become an error status line and eof.
RunResult worker(int in_fd, int out_fd, const WorkerOptions& options,
                 const std::function<bool()>& should_cancel = {});

struct ProcessOptions {
  std::string private_data_dir;
  std::optional<std::string> ident;        // artifacts go to <pdd>/artifacts/<ident>, else <pdd>/artifacts
  std::optional<std::string> artifact_dir;
  bool quiet = false;                       // do not print event stdout
  int stdout_fd = 1;                        // where event stdout is printed
};

// Reads a result stream from in_fd, rebuilds the artifacts and calls the handlers.
// result.status is the last status seen ("error" when the stream broke); result.rc comes from
// the unpacked rc file when there is one.
RunResult process(int in_fd, const ProcessOptions& options, const Handlers& handlers = {});

} // namespace ansible_runner
