// transmit / worker / process on C++ streams, through the fd-based roles.
#include <ansible_runner/streaming.hpp>

#include <ostream>

#include <ansible_runner/errors.hpp>

#include "api/stream_bridge.hpp"

namespace ansible_runner {

void transmit(const std::string& private_data_dir, const Json& kwargs, std::ostream& out,
              const TransmitOptions& options) {
  api::OutputBridge output(out);
  transmit(private_data_dir, kwargs, output.fd(), options);
  output.finish();
  if (!out) {
    throw Error("cannot write the job stream to the output stream");
  }
}

RunResult worker(std::istream& in, std::ostream& out, const WorkerOptions& options,
                 const std::function<bool()>& should_cancel) {
  api::InputBridge input(in);
  api::OutputBridge output(out);
  RunResult result = worker(input.fd(), output.fd(), options, should_cancel);
  output.finish();
  input.finish();
  return result;
}

RunResult process(std::istream& in, const ProcessOptions& options, const Handlers& handlers) {
  api::InputBridge input(in);
  RunResult result = process(input.fd(), options, handlers);
  input.finish();
  return result;
}

} // namespace ansible_runner
