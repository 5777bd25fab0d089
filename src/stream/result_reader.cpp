#include "stream/result_reader.hpp"
#include "util/excerpt.hpp"

#include "stream/line_limits.hpp"
#include "util/json_object_builder.hpp"
#include "util/json_parse.hpp"
#include "util/python_json_form.hpp"

#include <cstdio>

namespace ansible_runner::stream {
namespace {

bool is_blank(const std::string& line) {
  for (char c : line) {
    if (!is_payload_whitespace(c)) {
      return false;
    }
  }
  return true;
}

struct ParseOutcome {
  std::optional<Json> value;
  bool truncated = false; // failed at the end of the text: it may be the start of a split line
  std::string error;
  bool past_limit = false; // valid JSON, maybe, but past one of the line limits
};

ParseOutcome try_parse(const std::string& text, const util::JsonLimits& limits) {
  ParseOutcome out;
  try {
    out.value = util::parse_json(text, limits);
  } catch (const util::JsonLimitError& e) {
    out.error = describe(e);
    out.past_limit = true;
  } catch (const Json::exception& e) { // parse_error, or out_of_range for a number like 1e400
    const auto* parse = dynamic_cast<const Json::parse_error*>(&e);
    out.truncated = parse && parse->byte > text.size();
    out.error = util::excerpt(e.what());
    // A Python worker writes undecodable bytes as lone surrogates (\udcff), which strict
    // parsers refuse; read them as U+FFFD rather than dropping the event. Only text that has
    // such an escape is parsed twice (a second parse of a 50 MB broken line cost 2x its size).
    bool may_have_surrogates = text.find("\\ud") != std::string::npos || text.find("\\uD") != std::string::npos;
    Json lenient = may_have_surrogates ? util::parse_python_json(text, limits) : Json(Json::value_t::discarded);
    if (!lenient.is_discarded()) {
      out.value = std::move(lenient);
      out.truncated = false;
      out.error.clear();
    }
  }
  return out;
}

// Tracks brackets and strings across the pieces of a split line, so that each piece is scanned
// once and the joined text is parsed only when it can be complete. Parsing the joined text after
// every piece made a line split into N pieces cost O(N^2) (found by fuzzing).
class BracketBalance {
public:
  // False when a closing bracket has no opening one: no continuation can make the text valid.
  bool feed(std::string_view text) {
    for (char c : text) {
      if (m_in_string) {
        if (m_escape) {
          m_escape = false;
        } else if (c == '\\') {
          m_escape = true;
        } else if (c == '"') {
          m_in_string = false;
        }
        continue;
      }
      if (c == '"') {
        m_in_string = true;
      } else if (c == '{' || c == '[') {
        ++m_depth;
      } else if ((c == '}' || c == ']') && --m_depth < 0) {
        return false;
      }
    }
    return true;
  }
  bool closed() const { return m_depth == 0 && !m_in_string; }

private:
  long m_depth = 0;
  bool m_in_string = false;
  bool m_escape = false;
};

// Only the start of a bad line is kept, for the error message (bytes_repr shows 1000 bytes).
constexpr size_t k_bad_line_kept = 1000;

} // namespace

ResultReader::ResultReader(StreamReader& reader, Report report, const util::JsonLimits& limits)
    : m_reader(reader), m_report(std::move(report)), m_limits(limits) {}

std::optional<std::string> ResultReader::read_line() {
  std::optional<std::string> line;
  if (m_pending) {
    line = std::move(m_pending);
    m_pending.reset();
  } else {
    line = m_reader.read_line();
  }
  if (line && line->ends_with('\r')) {
    line->pop_back();
  }
  return line;
}

void ResultReader::stray(const std::string& line, const std::string& why, bool past_limit) {
  m_bad_line = line.substr(0, k_bad_line_kept);
  m_error = why;
  if (m_report) {
    m_report((past_limit ? "skipping a line past a limit, " + why : "skipping a line that is not a JSON object (" + why + ")") +
             ": " + bytes_repr(line, 200));
  }
}

std::optional<Json> ResultReader::next() {
  if (!advance()) {
    return std::nullopt;
  }
  return last_json();
}

const Json& ResultReader::last_json() {
  if (!m_json) {
    m_json_error.clear();
    try {
      m_json = util::parse_json(m_line, m_limits);
    } catch (const util::JsonLimitError& e) {
      m_json_error = describe(e);
      m_json = Json(Json::value_t::discarded);
    } catch (const Json::exception&) {
      m_json = util::parse_python_json(m_line, m_limits); // lone surrogates, or NaN: discarded
    }
  }
  return *m_json;
}

bool ResultReader::advance() {
  for (;;) {
    std::optional<std::string> line = read_line();
    if (!line) {
      return false;
    }
    if (is_blank(*line)) {
      continue;
    }
    // The common case, a whole json.dumps line, is only scanned (the scan points into m_line).
    m_line = std::move(*line);
    m_json.reset();
    m_scan = scan_line(m_line, m_limits);
    if (m_scan.canonical) {
      return true;
    }
    // A line that ends inside a string or a bracket is not parsed at all: it can only be the
    // start of a split line or a writer's last words, and parsing it would hold the parser's
    // copy of an unterminated string as large as the line (docs/security.md, memory per line).
    BracketBalance balance;
    bool opens_fine = balance.feed(m_line);
    bool unclosed = opens_fine && !balance.closed();
    // Any other text Python's json.loads reads is taken in the form the reference would write
    // it back (json.dumps), which is canonical by construction.
    if (!unclosed) {
      if (std::optional<std::string> normal = util::python_json_normalize(m_line, m_limits); normal && normal->front() == '{') {
        m_line = std::move(*normal);
        m_scan = scan_line(m_line, m_limits);
        return true;
      }
    }
    std::string joined = std::move(m_line);
    ParseOutcome parsed = unclosed ? ParseOutcome{std::nullopt, true, "the line ends inside a string or a bracket"}
                                   : try_parse(joined, m_limits);
    int pieces = 1;
    while (!parsed.value && parsed.truncated) {
      std::optional<std::string> more = read_line();
      if (!more) {
        // The stream ended inside a line: the writer died mid-message.
        m_bad_line = joined.substr(0, k_bad_line_kept);
        m_error = parsed.error;
        return false;
      }
      if (joined.size() + more->size() > m_reader.max_line() || !balance.feed(*more)) {
        m_pending = std::move(more); // joining cannot give a line: what came before was a stray
        break;
      }
      if (!balance.closed()) {
        // Still open: `more` continues the line unless it is a whole message of its own.
        if (try_parse(*more, m_limits).value) {
          m_pending = std::move(more);
          break;
        }
        joined += *more;
        ++pieces;
        continue;
      }
      ParseOutcome candidate = try_parse(joined + *more, m_limits);
      if (!candidate.value && (!candidate.truncated || try_parse(*more, m_limits).value)) {
        // Joining does not help, or `more` is a message of its own: the first part was a
        // stray fragment; start over from `more`.
        m_pending = std::move(more);
        break;
      }
      joined += *more;
      ++pieces;
      parsed = std::move(candidate);
    }
    if (!parsed.value) {
      stray(joined, parsed.error, parsed.past_limit);
      continue;
    }
    if (!parsed.value->is_object()) {
      stray(joined, "JSON but not an object");
      continue;
    }
    if (pieces > 1 && m_report) {
      m_report("joined a line that was split into " + std::to_string(pieces) + " pieces");
    }
    m_line = std::move(joined);
    m_json = std::move(parsed.value);
    return true;
  }
}

std::string bytes_repr(const std::string& data, size_t limit) {
  std::string body;
  size_t n = std::min(limit, data.size());
  bool has_single = false;
  bool has_double = false;
  for (size_t i = 0; i < n; ++i) {
    has_single |= data[i] == '\'';
    has_double |= data[i] == '"';
  }
  char quote = has_single && !has_double ? '"' : '\'';
  for (size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(data[i]);
    if (c == static_cast<unsigned char>(quote) || c == '\\') {
      body += '\\';
      body += static_cast<char>(c);
    } else if (c == '\t') {
      body += "\\t";
    } else if (c == '\n') {
      body += "\\n";
    } else if (c == '\r') {
      body += "\\r";
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      body += buf;
    } else {
      body += static_cast<char>(c);
    }
  }
  return std::string("b") + quote + body + quote;
}

} // namespace ansible_runner::stream
