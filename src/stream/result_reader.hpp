#pragma once
// The process side of the result stream (docs/streaming-protocol.md 4), read tolerantly: a result
// stream often crosses transports that damage it a little (Receptor, `kubectl logs`), and
// losing a whole job's results to one bad line helps nobody. Tolerated:
//   * blank lines and CRLF line ends;
//   * a line split in two (or more) by a log pipeline (Kubernetes cuts at 16 KiB): a line
//     that fails to parse *at its end* is joined with the next one when that makes it parse;
//   * a stray line that is not a JSON object, between messages: reported and skipped.
// A stream that ends before its eof line is still an error; the reader keeps the last bad line
// so the error can show it.
#include <functional>
#include <optional>
#include <string>

#include <ansible_runner/json.hpp>

#include "stream/process_line_scan.hpp"
#include "stream/stream_reader.hpp"
#include "util/json_parse.hpp"

namespace ansible_runner::stream {

class ResultReader {
public:
  using Report = std::function<void(const std::string& message)>;

  // `report` receives one sentence per tolerated defect; may be empty. Each line is parsed
  // within `limits`.
  ResultReader(StreamReader& reader, Report report, const util::JsonLimits& limits = util::k_default_json_limits);

  // Moves to the next message (a JSON object); false at the end of input. Throws StreamError
  // when the input cannot be read. A line already in json.dumps form is only scanned, not
  // parsed: last_scan() tells its top-level members, last_json() parses it on demand.
  bool advance();

  // The message advance() moved to, parsed; a discarded value when our parser refuses a line
  // that Python reads (NaN, Infinity) or the line is past a limit (last_json_error() says which).
  const Json& last_json();
  const std::string& last_json_error() const { return m_json_error; }
  const LineScan& last_scan() const { return m_scan; }

  // advance() + last_json(); nullopt at the end of input.
  std::optional<Json> next();

  // The last line that could not be used and why, for the error status of a broken stream.
  const std::string& last_bad_line() const { return m_bad_line; }
  const std::string& last_error() const { return m_error; }

  // The text of the current message: the line (without its line end) rewritten as
  // json.dumps(json.loads(line)) when Python reads it, else the line as read or the pieces of
  // a split line joined; and whether it is in that json.dumps form.
  const std::string& last_line() const { return m_line; }
  bool last_line_exact() const { return m_scan.canonical; }

  StreamReader& raw() { return m_reader; }

private:
  std::optional<std::string> read_line();
  void stray(const std::string& line, const std::string& why, bool past_limit = false);

  StreamReader& m_reader;
  Report m_report;
  std::optional<std::string> m_pending;
  std::string m_bad_line;
  std::string m_error;
  std::string m_line;
  LineScan m_scan;
  std::optional<Json> m_json;
  std::string m_json_error;
  util::JsonLimits m_limits;
};

// Python's repr() of a bytes object, of at most `limit` bytes (the error text of upstream main).
std::string bytes_repr(const std::string& data, size_t limit = 1000);

} // namespace ansible_runner::stream
