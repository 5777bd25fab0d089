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
#include "util/threads.hpp"
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
    m_keepalive = util::start_helper_thread([this] { keepalive_loop(); });
  }
}

StreamWriter::~StreamWriter() {
  {
    std::lock_guard lock(m_mutex);
    m_closed = true;
  }
  m_wake.notify_all();
  if (m_keepalive.joinable()) {
    m_keepalive.join();
  }
}

bool StreamWriter::write_locked(std::string_view data) {
  if (m_closed) {
    return false;
  }
  bool ok = util::write_all(m_fd, data);
  if (!ok) {
    m_failed = true;
  }
  m_last_write = Clock::now();
  return ok;
}

bool StreamWriter::write_message(const Json& message) {
  std::string line = util::python_dumps(message);
  line += '\n';
  std::lock_guard lock(m_mutex);
  return write_locked(line);
}

void StreamWriter::write_zip(int zip_fd) {
  uint64_t size = file_size(zip_fd);
  rewind_fd(zip_fd);
  Json header = Json::object();
  header["zipfile"] = size;
  std::string line = util::python_dumps(header);
  line += '\n';

  // The whole message goes out under one lock: a keepalive must not split it.
  std::lock_guard lock(m_mutex);
  if (m_closed) {
    return;
  }
  if (!write_locked(line)) {
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
    if (!write_locked(std::string_view(encoded.get(), chars))) {
      throw Error(std::string("cannot write the zip payload: ") + std::strerror(errno));
    }
  }
}

bool StreamWriter::write_eof() {
  bool ok;
  {
    std::lock_guard lock(m_mutex);
    ok = write_locked("{\"eof\": true}\n");
    m_closed = true;
  }
  m_wake.notify_all();
  return ok;
}

bool StreamWriter::failed() const {
  std::lock_guard lock(m_mutex);
  return m_failed;
}

void StreamWriter::keepalive_loop() {
  std::unique_lock lock(m_mutex);
  while (!m_closed) {
    auto deadline = m_last_write + m_interval;
    if (Clock::now() >= deadline) {
      // A failed keepalive is not an error of the job: the next real message reports it.
      if (!util::write_all(m_fd, keepalive_line())) {
        m_failed = true;
      }
      m_last_write = Clock::now();
      continue;
    }
    m_wake.wait_until(lock, deadline);
  }
}

} // namespace ansible_runner::stream
