#pragma once
// Helper threads. Every thread we start runs with all signals blocked, so SIGINT/SIGTERM
// reach the thread that handles them (the main one) and never interrupt a helper's syscalls.
#include <csignal>
#include <pthread.h>
#include <thread>
#include <utility>

namespace ansible_runner::util {

// Starts `fn` on a new thread with every signal blocked (a thread inherits the mask of the
// thread that creates it, so it is blocked around the creation only).
template <typename Fn> std::thread start_helper_thread(Fn&& fn) {
  sigset_t all;
  sigset_t old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  std::thread thread(std::forward<Fn>(fn));
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return thread;
}

// The CPUs this process may run on (sched_getaffinity), at least 1: how many threads are
// worth starting for CPU-bound work.
unsigned usable_cores();

} // namespace ansible_runner::util
