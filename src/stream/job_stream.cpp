#include "stream/job_stream.hpp"

#include "stream/line_limits.hpp"
#include "stream/temp_file.hpp"
#include "util/excerpt.hpp"
#include "util/json_object_builder.hpp"
#include "util/json_parse.hpp"
#include "util/nul_check.hpp"

namespace ansible_runner::stream {
namespace {

[[noreturn]] void reject_line(const std::string& why, uint64_t offset) {
  throw JobStreamRejected(k_parse_error, "Error: " + why + " (line at byte " + std::to_string(offset) + ")");
}

Json parse_object(const std::optional<std::string>& line, uint64_t offset, const util::JsonLimits& limits) {
  if (!line) {
    reject_line("the stream ended before the eof line", offset);
  }
  Json data;
  try {
    data = util::parse_json(*line, limits);
  } catch (const util::JsonLimitError& e) {
    reject_line("a line is past a limit: " + describe(e), offset);
  } catch (const Json::parse_error& e) {
    // nlohmann quotes the token it stopped at, which can be a whole 50 MB string: cut it.
    reject_line(line->empty() ? std::string("empty line") : util::excerpt(e.what()), offset);
  } catch (const Json::out_of_range& e) {
    reject_line(util::excerpt(e.what()), offset);
  }
  if (!data.is_object()) {
    reject_line("a line is JSON but not an object", offset);
  }
  return data;
}

uint64_t payload_size(const Json& value, const UnzipLimits& limits) {
  if (!value.is_number_integer() || (value.is_number_integer() && !value.is_number_unsigned() && value.get<int64_t>() < 0)) {
    throw JobStreamRejected(k_extract_error, "the zipfile length is not a non-negative integer");
  }
  auto size = value.get<uint64_t>();
  if (size > limits.max_total_bytes) {
    throw JobStreamRejected(k_extract_error, "the zip payload of " + std::to_string(size) +
                                                 " bytes is larger than the limit of " +
                                                 std::to_string(limits.max_total_bytes));
  }
  return size;
}

} // namespace

std::optional<Json> read_job_stream(StreamReader& reader, const std::string& pdd, UnzipLimits limits,
                                    const util::JsonLimits& line_limits) {
  std::optional<Json> kwargs;
  for (;;) {
    uint64_t offset = reader.offset();
    std::optional<std::string> line;
    try {
      line = reader.read_line();
    } catch (const StreamError& e) {
      reject_line(util::excerpt(e.what()), offset);
    }
    Json data = parse_object(line, offset, line_limits);
    if (data.contains("kwargs")) {
      // Refused before the zip is unpacked: nothing is written for such a job.
      if (std::optional<std::string> where = util::find_nul(data["kwargs"], "kwargs")) {
        throw JobStreamRejected("The kwargs of the transmit stream hold a NUL character", "(at " + *where + ").");
      }
      kwargs = std::move(data["kwargs"]);
    } else if (data.contains("zipfile")) {
      uint64_t size = payload_size(data["zipfile"], limits);
      try {
        util::UniqueFd zip = make_anonymous_temp_file();
        reader.read_payload(size, zip.get());
        UnzipStats stats = extract_zip(zip.get(), pdd, limits);
        // Several zips may arrive; the limits hold for all of them together.
        limits.max_total_bytes -= std::min(limits.max_total_bytes, stats.bytes);
        limits.max_entries -= std::min(limits.max_entries, stats.entries);
      } catch (const Error& e) {
        throw JobStreamRejected(k_extract_error, e.what());
      }
    } else if (data.contains("eof")) {
      return kwargs;
    }
  }
}

} // namespace ansible_runner::stream
