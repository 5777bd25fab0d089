#include "cli/signals.hpp"

#include <csignal>

namespace ansible_runner::cli {

namespace {
volatile std::sig_atomic_t g_cancel_requested = 0;

void record_cancel_signal(int) { g_cancel_requested = 1; }
} // namespace

void install_cancel_handlers() {
  struct sigaction action{};
  action.sa_handler = record_cancel_signal;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: a blocking read in the streaming roles returns EINTR and sees the flag.
  action.sa_flags = 0;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool cancel_requested() { return g_cancel_requested != 0; }

} // namespace ansible_runner::cli
