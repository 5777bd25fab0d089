// The worker's refusals: every bad job stream ends in an error status and eof, never a crash,
// never a write outside the private data dir. (Jobs that run are covered by the integration
// tests, which need Ansible.)
#include <ansible_runner/streaming.hpp>

#include <gtest/gtest.h>

#include "stream/stream_reader.hpp"
#include "stream_test_util.hpp"
#include "test_util.hpp"
#include "util/base64.hpp"
#include "util/fs.hpp"

using ansible_runner::Json;
using ansible_runner::WorkerOptions;
using ansible_runner::test::TempDir;
namespace util = ansible_runner::util;

namespace {

struct Outcome {
  ansible_runner::RunResult result;
  std::vector<Json> lines;
  std::string raw;
};

Outcome run_worker(const std::string& stream, const std::string& pdd) {
  auto in = ansible_runner::test::fd_with(stream);
  auto out = ansible_runner::stream::make_anonymous_temp_file();
  WorkerOptions options;
  options.private_data_dir = pdd;
  Outcome o;
  o.result = ansible_runner::worker(in.get(), out.get(), options);
  o.raw = ansible_runner::test::read_all(out.get());
  auto fd = ansible_runner::test::fd_with(o.raw);
  ansible_runner::stream::StreamReader reader(fd.get());
  while (auto line = reader.read_line()) {
    o.lines.push_back(Json::parse(*line));
  }
  return o;
}

std::string zip_line(const std::string& zip) {
  return "{\"zipfile\": " + std::to_string(zip.size()) + "}\n" + util::base64_encode(zip);
}

const std::string k_kwargs = R"({"kwargs": {"ident": "t", "playbook": "test.yml"}})"
                             "\n";

void expect_rejected(const Outcome& o, const std::string& explanation_part) {
  ASSERT_EQ(o.lines.size(), 2u) << o.raw;
  EXPECT_EQ(o.lines[0]["status"], "error");
  EXPECT_NE(o.lines[0]["job_explanation"].get<std::string>().find(explanation_part), std::string::npos)
      << o.lines[0].dump();
  EXPECT_EQ(o.lines[1], Json::parse(R"({"eof": true})"));
  EXPECT_EQ(o.result.status, "error");
  EXPECT_EQ(ansible_runner::worker_exit_code(o.result), 1);
}

} // namespace

TEST(Worker, GarbageEmptyAndTruncatedStreams) {
  TempDir dir;
  for (const std::string& stream : {std::string("garbage\n"), std::string(""), std::string("\n"),
                                    k_kwargs, k_kwargs.substr(0, 20), std::string("5\n"), std::string("[1]\n"),
                                    std::string("\"eof\"\n")}) {
    auto o = run_worker(stream, dir / "pdd");
    expect_rejected(o, "Failed to JSON parse a line from transmit stream.");
  }
}

TEST(Worker, MissingKwargs) {
  TempDir dir;
  auto o = run_worker("{\"eof\": true}\n", dir / "pdd");
  expect_rejected(o, "no kwargs line");
}

TEST(Worker, UnknownKwargKeepsTheTextAwxLooksFor) {
  TempDir dir;
  auto o = run_worker(R"({"kwargs": {"playbook": "x.yml", "bogus_option": 1}})"
                      "\n{\"eof\": true}\n",
                      dir / "pdd");
  expect_rejected(o, "got an unexpected keyword argument 'bogus_option'");
}

TEST(Worker, BadPayloads) {
  TempDir dir;
  // Newline after the payload: the Python reader's failure mode, kept strict.
  std::string zip = util::read_file(std::string(AR_TEST_FIXTURES) + "/streams/minimal.zip");
  expect_rejected(run_worker(k_kwargs + zip_line(zip) + "\n{\"eof\": true}\n", dir / "p1"), "Failed to JSON parse");
  // Length one too long: the payload eats the start of the eof line.
  expect_rejected(run_worker(k_kwargs + "{\"zipfile\": " + std::to_string(zip.size() + 3) + "}\n" +
                                 util::base64_encode(zip) + "{\"eof\": true}\n",
                             dir / "p2"),
                  "Failed to extract private data directory on worker.");
  // Not base64.
  expect_rejected(run_worker(k_kwargs + "{\"zipfile\": 6}\n!!!!!!!!{\"eof\": true}\n", dir / "p3"),
                  "Failed to extract private data directory on worker.");
  // Not a zip.
  expect_rejected(run_worker(k_kwargs + zip_line("hello, world") + "{\"eof\": true}\n", dir / "p4"),
                  "Failed to extract private data directory on worker.");
  // Negative or non-numeric length.
  expect_rejected(run_worker(k_kwargs + "{\"zipfile\": -1}\n{\"eof\": true}\n", dir / "p5"), "Failed to extract");
  expect_rejected(run_worker(k_kwargs + "{\"zipfile\": \"12\"}\n{\"eof\": true}\n", dir / "p6"), "Failed to extract");
}

TEST(Worker, ExtractionErrorCarriesATraceback) {
  TempDir dir;
  auto o = run_worker(k_kwargs + zip_line("not a zip") + "{\"eof\": true}\n", dir / "pdd");
  ASSERT_EQ(o.lines.size(), 2u);
  EXPECT_TRUE(o.lines[0].contains("result_traceback"));
}

TEST(Worker, HostileArchiveWritesNothingOutside) {
  TempDir dir;
  std::string zip = util::read_file(std::string(AR_TEST_FIXTURES) + "/streams/symlink_escape.zip");
  auto o = run_worker(k_kwargs + zip_line(zip) + "{\"eof\": true}\n", dir / "pdd");
  expect_rejected(o, "Failed to extract private data directory on worker.");
  EXPECT_FALSE(util::exists("/tmp/ansible-runner-escape-test/file"));
}

TEST(Worker, DeleteRemovesTheDirBeforeAndAfter) {
  TempDir dir;
  util::make_dirs(dir / "pdd/old", 0700);
  auto in = ansible_runner::test::fd_with("{\"eof\": true}\n");
  auto out = ansible_runner::stream::make_anonymous_temp_file();
  WorkerOptions options;
  options.private_data_dir = dir / "pdd";
  options.delete_private_data_dir = true;
  ansible_runner::worker(in.get(), out.get(), options);
  EXPECT_FALSE(util::exists(dir / "pdd"));
}

TEST(Worker, ExitCodes) {
  ansible_runner::RunResult r;
  r.status = "successful";
  r.rc = 0;
  EXPECT_EQ(ansible_runner::worker_exit_code(r), 0);
  r.status = "failed";
  r.rc = 2;
  EXPECT_EQ(ansible_runner::worker_exit_code(r), 2);
  r.rc.reset();
  EXPECT_EQ(ansible_runner::worker_exit_code(r), 1);
  r.status = "error";
  EXPECT_EQ(ansible_runner::worker_exit_code(r), 1);
}
