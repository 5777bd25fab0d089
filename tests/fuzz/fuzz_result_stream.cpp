// Fuzz target: the result stream as `process` reads it (docs/streaming-protocol.md 4): statuses,
// events written to job_events/, the artifacts zip unpacked into the artifact dir. A broken
// stream must end as an error status, never as a crash, leak, hang or a write outside the
// private data dir.
#include <cstddef>
#include <cstdint>
#include <fcntl.h>

#include <ansible_runner/streaming.hpp>

#include "fuzz_scratch.hpp"

using namespace ansible_runner;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Case c;
  util::UniqueFd in = fuzz::input_fd(data, size);
  util::UniqueFd devnull(::open("/dev/null", O_WRONLY | O_CLOEXEC));
  ProcessOptions options;
  options.private_data_dir = c.pdd();
  options.ident = "fuzz";
  options.stdout_fd = devnull.get(); // event stdout is formatted and written, then dropped
  options.diagnostics_fd = -1;
  options.limits = UnpackLimits{1u << 20, 1000};
  Handlers handlers;
  handlers.on_status = [](const Json& status) { (void)status.dump(); };
  RunResult result = process(in.get(), options, handlers);
  if (size == 0 && result.status != "error") {
    fuzz::violation("an empty stream did not end with an error status");
  }
  return 0;
}
