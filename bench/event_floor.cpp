// The floor of a runner's own CPU per event (bench/FINDINGS.md, "The floor of the runner's CPU
// per event"): what every event costs a runner at the least, with nothing parsed.
//
//   event_floor EVENTS FRAME_BYTES GAP_US DIR
//
// A child on a pty writes EVENTS frames of FRAME_BYTES, one write each and GAP_US apart, as the
// callback plugin does. The parent waits in poll(2), reads, and for every whole frame creates
// one file in DIR the way a job's event files are made (an unnamed O_TMPFILE, written, linked in
// under its name, closed). It prints its own CPU (getrusage) per event; bench/cases.py runs it
// beside the e2e jobs. Built by the bench with `g++ -O2 event_floor.cpp -lutil`.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

namespace {

[[noreturn]] void play(long events, long frame_bytes, long gap_us) {
  termios t{};
  tcgetattr(STDOUT_FILENO, &t);
  cfmakeraw(&t);
  tcsetattr(STDOUT_FILENO, TCSANOW, &t);
  std::string frame(static_cast<size_t>(frame_bytes - 1), 'x');
  frame += '\n';
  const timespec gap{gap_us / 1000000, (gap_us % 1000000) * 1000};
  for (long i = 0; i < events; ++i) {
    if (write(STDOUT_FILENO, frame.data(), frame.size()) != static_cast<ssize_t>(frame.size())) {
      _exit(1);
    }
    nanosleep(&gap, nullptr);
  }
  _exit(0);
}

bool make_file(int dir_fd, const char* name, const char* data, size_t size) {
  int fd = openat(dir_fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) {
    return false;
  }
  bool ok = write(fd, data, size) == static_cast<ssize_t>(size);
  if (ok && linkat(fd, "", dir_fd, name, AT_EMPTY_PATH) != 0) { // AT_EMPTY_PATH wants privilege
    char path[64];
    std::snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ok = linkat(AT_FDCWD, path, dir_fd, name, AT_SYMLINK_FOLLOW) == 0;
  }
  close(fd);
  return ok;
}

double own_cpu() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: event_floor EVENTS FRAME_BYTES GAP_US DIR\n");
    return 2;
  }
  const long events = std::atol(argv[1]);
  const long frame_bytes = std::atol(argv[2]);
  const long gap_us = std::atol(argv[3]);
  if (events < 1 || frame_bytes < 2 || gap_us < 0) {
    std::fprintf(stderr, "event_floor: EVENTS >= 1, FRAME_BYTES >= 2, GAP_US >= 0\n");
    return 2;
  }
  const int dir_fd = open(argv[4], O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (dir_fd < 0) {
    std::perror(argv[4]);
    return 1;
  }
  int master = -1;
  const pid_t child = forkpty(&master, nullptr, nullptr, nullptr);
  if (child < 0) {
    std::perror("forkpty");
    return 1;
  }
  if (child == 0) {
    play(events, frame_bytes, gap_us);
  }
  std::vector<char> buf(static_cast<size_t>(frame_bytes) + 65536);
  size_t pending = 0;
  long files = 0;
  char name[64];
  for (;;) {
    pollfd p{master, POLLIN, 0};
    poll(&p, 1, 1000);
    ssize_t got = read(master, buf.data() + pending, buf.size() - pending);
    if (got <= 0) {
      break; // EIO: the child is gone and the pty drained
    }
    pending += static_cast<size_t>(got);
    size_t at = 0;
    for (; pending - at >= static_cast<size_t>(frame_bytes); at += static_cast<size_t>(frame_bytes)) {
      std::snprintf(name, sizeof name, "%ld-floor.json", ++files);
      if (!make_file(dir_fd, name, buf.data() + at, static_cast<size_t>(frame_bytes))) {
        std::perror("event file");
        return 1;
      }
    }
    pending -= at;
    std::copy(buf.begin() + static_cast<long>(at), buf.begin() + static_cast<long>(at + pending), buf.begin());
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (files != events) {
    std::fprintf(stderr, "event_floor: %ld of %ld frames arrived\n", files, events);
    return 1;
  }
  std::printf("%.9f\n", own_cpu() / static_cast<double>(events));
  return 0;
}
