// Fuzz target: the job stream as a worker reads it (docs/streaming-protocol.md 3.2), from the bytes on
// its stdin to the unpacked private data dir and the kwargs turned into run options. The job is
// not run. Hostile input may be refused (JobStreamRejected, ConfigurationError) but must not
// crash, leak, hang or write anywhere but the private data dir.
#include <cstddef>
#include <cstdint>

#include <ansible_runner/errors.hpp>

#include "config/kwargs.hpp"
#include "fuzz_scratch.hpp"
#include "stream/job_stream.hpp"

using namespace ansible_runner;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Case c;
  util::UniqueFd in = fuzz::input_fd(data, size);
  stream::StreamReader reader(in.get());
  // Small limits keep each input cheap; the limit checks themselves are part of what is tested.
  stream::UnzipLimits limits{1u << 20, 1000};
  std::optional<Json> kwargs;
  try {
    kwargs = stream::read_job_stream(reader, c.pdd(), limits);
  } catch (const stream::JobStreamRejected&) {
    return 0;
  }
  if (kwargs && kwargs->is_object()) {
    try {
      (void)config::options_from_kwargs(*kwargs, c.pdd());
    } catch (const ConfigurationError&) {
    }
  }
  return 0;
}
