#pragma once
// The worker's side of the job stream (docs/streaming-protocol.md 3.2), read strictly: every line
// must be a JSON object, every payload exact. Anything else rejects the whole job.
#include <optional>
#include <string>

#include <ansible_runner/json.hpp>

#include "stream/stream_error.hpp"
#include "stream/stream_reader.hpp"
#include "stream/zip_extractor.hpp"
#include "util/json_parse.hpp"

namespace ansible_runner::stream {

// Why a job stream was refused, in the words of the error status the worker sends.
class JobStreamRejected : public StreamError {
public:
  JobStreamRejected(std::string explanation, std::string detail)
      : StreamError(explanation + " " + detail), m_explanation(std::move(explanation)), m_detail(std::move(detail)) {}
  const std::string& explanation() const { return m_explanation; }
  const std::string& detail() const { return m_detail; }

private:
  std::string m_explanation;
  std::string m_detail;
};

// The reference's job_explanation texts; consumers may match them.
inline constexpr const char* k_parse_error = "Failed to JSON parse a line from transmit stream.";
inline constexpr const char* k_extract_error = "Failed to extract private data directory on worker.";

// Reads messages up to eof: the last kwargs line wins, every zip is unpacked into pdd (within
// `limits`, counted over all zips), bytes after eof are never read, other objects are ignored.
// Each line is parsed within `line_limits`. Returns the kwargs (nullopt when the stream had
// none). Throws JobStreamRejected.
std::optional<Json> read_job_stream(StreamReader& reader, const std::string& pdd, UnzipLimits limits,
                                    const util::JsonLimits& line_limits = util::k_default_json_limits);

} // namespace ansible_runner::stream
