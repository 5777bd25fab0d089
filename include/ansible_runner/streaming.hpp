#pragma once
// The three streaming roles (docs/streaming-protocol.md): transmit -> worker -> process.
// Each works on file descriptors so a program can put the phases on any transport, and on
// C++ streams (std::stringstream, a socket streambuf, ...) through the overloads at the end.
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <ansible_runner/json.hpp>
#include <ansible_runner/runner.hpp>

namespace ansible_runner {

// The input of worker or process when it is more than a plain fd (a language binding's file
// object): bytes a buffered reader already took from the fd, consumed first, then the fd; or,
// without an fd, a read function called on the role's thread.
struct StreamInput {
  int fd = -1;
  std::string pending;
  // Fills up to `size` bytes, returns how many; 0 at end of input. May throw to abort: the
  // role then ends as on a broken stream.
  std::function<size_t(char* buffer, size_t size)> read;
  // Check every second whether fd was closed under us (by another thread), which a blocked
  // read() never notices; the stream then ends as broken.
  bool watch_for_close = false;
};

struct TransmitOptions {
  // Send only the kwargs line; the worker then uses its own --private-data-dir as is. The
  // kwargs are then sent as given (not dumped into env/ files, which would have nowhere to go).
  bool only_transmit_kwargs = false;
};

// Writes the job stream: the kwargs line, the private data dir as a zip payload, eof.
// `kwargs` are the job's run() keyword arguments as the reference's transmit sends them; the
// files "dump artifacts" generates from them go into the zip, never into private_data_dir.
// An empty private_data_dir streams an empty dir. The zip is built before anything is written,
// so an unreadable file writes nothing; throws Error on I/O failure.
void transmit(const std::string& private_data_dir, const Json& kwargs, int out_fd,
              const TransmitOptions& options = {});

// Limits on what one stream may unpack (job stream on the worker, artifacts in process).
struct UnpackLimits {
  uint64_t max_bytes = uint64_t{64} << 30; // total file bytes, and the largest payload accepted
  uint64_t max_entries = 1'000'000;        // zip entries
};

// Limits on one JSON line of a stream (the kwargs line on the worker, each message in process),
// so that memory for a line stays a small multiple of it (docs/security.md, "Limits").
struct LineLimits {
  // Copying a parsed value (nlohmann) recurses once per level: 2,000 levels stay well inside an
  // 8 MB stack even under ASan (which overflowed between 4,000 and 6,000).
  static constexpr uint64_t k_most_depth = 2'000;
  uint64_t max_line_bytes = uint64_t{256} << 20;   // a longer line is refused, not buffered
  uint64_t max_depth = 1000;                       // nested arrays and objects (Python's own limit)
  uint64_t max_values = 1'000'000;                 // values of all kinds in one line, keys not counted
  uint64_t max_string_bytes = uint64_t{256} << 20; // one string or key, as decoded
};

struct WorkerOptions {
  std::optional<std::string> private_data_dir; // unset: a temp dir, removed at the end
  bool delete_private_data_dir = false;        // --delete: remove before and after
  double keepalive_seconds = 0;                 // 0: off
  UnpackLimits limits;
  LineLimits line_limits;
};

// Reads a job stream from in_fd, runs the job, writes the result stream to out_fd.
// Never throws for bad input: a broken stream, a hostile archive, a missing kwargs line, bad or
// unknown kwargs and exceptions of run() all become `{"status": "error", "job_explanation": ...}`
// and `{"eof": true}` (the reference crashes without output for several of these), and the
// result has status "error". Nothing but protocol lines is written to out_fd.
RunResult worker(int in_fd, int out_fd, const WorkerOptions& options,
                 const std::function<bool()>& should_cancel = {});
RunResult worker(const StreamInput& in, int out_fd, const WorkerOptions& options,
                 const std::function<bool()>& should_cancel = {});

// The worker's exit code: the job rc; 1 after an error status (the reference exits 0 then) or
// when the job ended without an rc.
int worker_exit_code(const RunResult& result);

struct ProcessOptions {
  std::string private_data_dir;            // empty: a new temp dir, left in place for the caller
  std::optional<std::string> ident;        // artifacts go to <pdd>/artifacts/<ident>, else <pdd>/artifacts
  std::optional<std::string> artifact_dir; // wins over both (made absolute)
  bool quiet = false;                       // do not print event stdout
  int stdout_fd = 1;                        // where event stdout is printed
  int diagnostics_fd = 2;                   // tolerated stream damage is reported here; -1: silent
  UnpackLimits limits;
  LineLimits line_limits;
};

// Reads a result stream from in_fd, rebuilds the artifacts and calls the handlers: on_status
// with each raw status line, on_event with each event (its return value decides whether
// job_events/<counter>-<uuid>.json is written), on_artifacts after the zip is unpacked,
// on_finished last (also after errors). should_cancel is not used (close in_fd to stop).
// Tolerant of what real transports do to a stream: keepalives, blank lines, CRLF, events
// without counter/uuid (skipped), a line split in two by a log pipeline, a stray non-JSON line
// between messages. A stream that breaks or ends without eof gives status "error" with a
// job_explanation (also passed to on_status).
// result.status is the last status seen; result.rc comes from the unpacked rc file.
RunResult process(int in_fd, const ProcessOptions& options, const Handlers& handlers = {});
RunResult process(const StreamInput& in, const ProcessOptions& options, const Handlers& handlers = {});

// The process command's exit code: 0 when successful, the job rc (or 1 without one) when
// failed/timeout/canceled, 1 for errors and streams without a final status. The reference
// always exits 0.
int process_exit_code(const RunResult& result);

// The same three roles on C++ streams. Each runs the fd-based function above on a pipe that
// a helper thread fills from `in` or drains into `out`, so the streams see exactly the bytes
// the fd variants read and write. The calling thread does the work; handlers run on it.
// A failing `in` reads as end of input (the protocol then reports a broken stream); a
// failing `out` is drained to nowhere so the job still completes: check out.good() afterwards.
// transmit() throws Error when `out` failed.
void transmit(const std::string& private_data_dir, const Json& kwargs, std::ostream& out,
              const TransmitOptions& options = {});
RunResult worker(std::istream& in, std::ostream& out, const WorkerOptions& options,
                 const std::function<bool()>& should_cancel = {});
RunResult process(std::istream& in, const ProcessOptions& options, const Handlers& handlers = {});

} // namespace ansible_runner
