// transmit / worker / process on C++ streams, chained in memory.
#include <ansible_runner/streaming.hpp>

#include <gtest/gtest.h>
#include <sstream>

#include <ansible_runner/errors.hpp>

#include "api_test_util.hpp"

using ansible_runner::Json;
using ansible_runner::RunResult;
using ansible_runner::test::shell_quote;
using ansible_runner::test::TempDir;

namespace {

Json fake_kwargs(const std::vector<std::string>& steps) {
  std::string cmdline = shell_quote(ansible_runner::test::support_file("fake_playbook.py"));
  for (const auto& s : steps) {
    cmdline += " " + shell_quote(s);
  }
  return Json{{"binary", "/usr/bin/python3"}, {"cmdline", cmdline}, {"ident", "s1"}};
}

} // namespace

TEST(StreamRoles, TransmitWorkerProcessThroughStringStreams) {
  TempDir local;
  TempDir remote;
  std::stringstream job;
  ansible_runner::transmit(local.path(), fake_kwargs({"event:playbook_on_start", "event:runner_on_ok:ok\\n",
                                                      "event:playbook_on_stats"}),
                           job);
  EXPECT_EQ(0u, job.str().find("{\"kwargs\": "));

  std::stringstream results;
  ansible_runner::WorkerOptions worker_options;
  worker_options.private_data_dir = remote.path();
  RunResult worked = ansible_runner::worker(job, results, worker_options);
  EXPECT_EQ("successful", worked.status);
  EXPECT_NE(std::string::npos, results.str().find("{\"eof\": true}"));

  int events = 0;
  ansible_runner::Handlers handlers;
  handlers.on_event = [&](const Json&) {
    ++events;
    return true;
  };
  ansible_runner::ProcessOptions process_options;
  process_options.private_data_dir = local.path();
  process_options.ident = "s1";
  process_options.quiet = true;
  RunResult processed = ansible_runner::process(results, process_options, handlers);
  EXPECT_EQ("successful", processed.status);
  EXPECT_EQ(0, processed.rc);
  EXPECT_EQ(3, events);
  EXPECT_TRUE(processed.stats().has_value());
  EXPECT_EQ("successful", ansible_runner::util::read_file(local / "artifacts/s1/status"));
}

TEST(StreamRoles, TransmitIntoAFailedStreamThrows) {
  TempDir local;
  std::stringstream out;
  out.setstate(std::ios::badbit);
  EXPECT_THROW(ansible_runner::transmit(local.path(), Json::object(), out), ansible_runner::Error);
}

TEST(StreamRoles, ProcessOfATruncatedStreamIsAnError) {
  TempDir local;
  std::stringstream truncated("{\"status\": \"starting\", \"runner_ident\": \"x\"}\n");
  ansible_runner::ProcessOptions options;
  options.private_data_dir = local.path();
  options.quiet = true;
  options.diagnostics_fd = -1;
  RunResult r = ansible_runner::process(truncated, options);
  EXPECT_EQ("error", r.status);
}

TEST(StreamRoles, WorkerStopsReadingEarlyWithoutBlocking) {
  // A job stream followed by more input than any pipe holds: the worker stops at eof and the
  // feeding thread must not keep the call from returning.
  TempDir remote;
  std::stringstream job;
  TempDir local;
  ansible_runner::transmit(local.path(), fake_kwargs({"exit:0"}), job);
  std::string stream = job.str() + std::string(4u << 20, '\n');
  std::stringstream in(stream);
  std::stringstream out;
  ansible_runner::WorkerOptions worker_options;
  worker_options.private_data_dir = remote.path();
  RunResult r = ansible_runner::worker(in, out, worker_options);
  EXPECT_EQ("successful", r.status);
}
