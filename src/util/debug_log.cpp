#include "util/debug_log.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <mutex>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

#include "util/fd.hpp"

namespace ansible_runner::util::debug_log {

namespace {

std::atomic<bool> g_enabled{false};
std::mutex g_mutex;
int g_console_fd = -1;
int g_logfile_fd = -1; // kept open for the life of the process, like Python's FileHandler

// "2026-11-28 00:52:42,031: ": the reference's logging.Formatter('%(asctime)s: ...') layout.
std::string timestamp_prefix() {
  auto now = std::chrono::system_clock::now();
  std::time_t secs = std::chrono::system_clock::to_time_t(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm local{};
  ::localtime_r(&secs, &local);
  char buf[48];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &local);
  std::snprintf(buf + n, sizeof buf - n, ",%03lld: ", static_cast<long long>(millis));
  return buf;
}

} // namespace

void configure(bool debug, int console_fd, const std::string& logfile) {
  std::lock_guard lock(g_mutex);
  if (!logfile.empty() && g_logfile_fd < 0) {
    int fd = ::open(logfile.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
    if (fd < 0) {
      throw Error("cannot open log file " + logfile + ": " + std::strerror(errno));
    }
    g_logfile_fd = fd;
  }
  g_console_fd = console_fd;
  g_enabled.store(debug, std::memory_order_release);
}

bool enabled() { return g_enabled.load(std::memory_order_acquire); }

void line(std::string_view message) {
  if (!enabled()) {
    return;
  }
  std::string record(message);
  record += '\n';
  std::lock_guard lock(g_mutex);
  // A failed write is ignored: diagnostics must never end the job.
  if (g_console_fd >= 0) {
    (void)util::write_all(g_console_fd, record);
  }
  if (g_logfile_fd >= 0) {
    (void)util::write_all(g_logfile_fd, timestamp_prefix() + record);
  }
}

} // namespace ansible_runner::util::debug_log
