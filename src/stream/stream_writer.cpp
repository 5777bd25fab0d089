#include "stream/stream_writer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

#include "stream/temp_file.hpp"
#include "util/base64.hpp"
#include "util/fd.hpp"
#include "util/python_json.hpp"
#include "util/timer_value.hpp"

namespace ansible_runner::stream {
namespace {

// Bytes of zip read per base64 chunk (64 KB of text); a multiple of 3 so chunks need no carry.
constexpr size_t k_zip_chunk = 3 * 16 * 1024;

const std::string& keepalive_line() {
  static const std::string line = R"({"event": "keepalive", "counter": 0, "uuid": 0})"
                                  "\n";
  return line;
}

} // namespace

std::optional<std::chrono::nanoseconds> keepalive_interval(double seconds) {
  constexpr auto k_shortest = std::chrono::nanoseconds(std::chrono::milliseconds(1));
  std::optional<std::chrono::nanoseconds> interval = util::timer_duration(seconds);
  if (interval && *interval < k_shortest) {
    interval = k_shortest;
  }
  return interval;
}

StreamWriter::StreamWriter(int fd, double keepalive_seconds) : m_fd(fd), m_last_write(Clock::now()) {
  if (std::optional<std::chrono::nanoseconds> interval = keepalive_interval(keepalive_seconds)) {
    m_interval = std::chrono::duration_cast<Clock::duration>(*interval);
  }
}

bool StreamWriter::write_raw(std::string_view data) {
  if (m_closed) {
    return false;
  }
  bool ok = util::write_all(m_fd, data);
  if (!ok) {
    m_failed = true;
  }
  if (m_interval) {
    m_last_write = Clock::now(); // only keepalives need it: no clock read per event otherwise
  }
  return ok;
}

bool StreamWriter::write_message(const Json& message) {
  std::string line = util::python_dumps(message);
  line += '\n';
  return write_raw(line);
}

void StreamWriter::write_zip(int zip_fd) {
  uint64_t size = file_size(zip_fd);
  rewind_fd(zip_fd);
  Json header = Json::object();
  header["zipfile"] = size;
  std::string line = util::python_dumps(header);
  line += '\n';

  if (m_closed) {
    return;
  }
  if (!write_raw(line)) {
    throw Error(std::string("cannot write the zipfile line: ") + std::strerror(errno));
  }
  std::unique_ptr<char[]> raw(new char[k_zip_chunk]);
  std::unique_ptr<char[]> encoded(new char[util::Base64Encoder::max_encoded(k_zip_chunk) + 4]);
  util::Base64Encoder encoder;
  uint64_t left = size;
  while (left > 0) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(left, k_zip_chunk));
    long got = util::read_some(zip_fd, raw.get(), want);
    if (got <= 0) {
      throw Error("cannot read the zip file: " + std::string(got < 0 ? std::strerror(errno) : "short file"));
    }
    left -= static_cast<uint64_t>(got);
    size_t chars = encoder.feed(std::string_view(raw.get(), static_cast<size_t>(got)), encoded.get());
    if (left == 0) {
      chars += encoder.finish(encoded.get() + chars);
    }
    if (!write_raw(std::string_view(encoded.get(), chars))) {
      throw Error(std::string("cannot write the zip payload: ") + std::strerror(errno));
    }
  }
}

bool StreamWriter::write_eof() {
  bool ok = write_raw("{\"eof\": true}\n");
  m_closed = true;
  return ok;
}

std::optional<StreamWriter::Clock::duration> StreamWriter::keep_alive(Clock::time_point now) {
  if (!m_interval || m_closed) {
    return std::nullopt;
  }
  if (now - m_last_write >= *m_interval) {
    write_raw(keepalive_line()); // a failure shows in failed(); the job's loop stops the job
    m_last_write = now;
  }
  return m_last_write + *m_interval - now;
}

} // namespace ansible_runner::stream
