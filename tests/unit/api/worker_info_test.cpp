#include "api/worker_info.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "test_util.hpp"
#include "util/fs.hpp"

using ansible_runner::api::ensure_uuid_file;
using ansible_runner::api::format_worker_info;
using ansible_runner::api::parse_mem_total;
using ansible_runner::api::WorkerInfo;

namespace {

WorkerInfo sample(long cpus, std::optional<uint64_t> mem) {
  WorkerInfo info;
  info.cpu_count = cpus;
  info.mem_in_bytes = mem;
  info.runner_version = "2.3.1";
  info.uuid = "0b6a5c1e-2f3d-4c5b-9a8e-7d6c5b4a3f21";
  return info;
}

} // namespace

// Expected texts are PyYAML's safe_dump(..., default_flow_style=True) of the same values.
TEST(WorkerInfo, MatchesPyYamlFlowMapping) {
  EXPECT_EQ(format_worker_info(sample(2, 25276502016)),
            "{cpu_count: 2, errors: [], mem_in_bytes: 25276502016, runner_version: 2.3.1, uuid: "
            "0b6a5c1e-2f3d-4c5b-9a8e-7d6c5b4a3f21}\n");
}

TEST(WorkerInfo, WrapsLikePyYamlPastEightyColumns) {
  EXPECT_EQ(format_worker_info(sample(128, 1099511627776000)),
            "{cpu_count: 128, errors: [], mem_in_bytes: 1099511627776000, runner_version: 2.3.1,\n"
            "  uuid: 0b6a5c1e-2f3d-4c5b-9a8e-7d6c5b4a3f21}\n");
  WorkerInfo info = sample(2, std::nullopt);
  info.errors.push_back("The /proc/meminfo file could not found, memory capacity undiscoverable.");
  EXPECT_EQ(format_worker_info(info),
            "{cpu_count: 2, errors: ['The /proc/meminfo file could not found, memory capacity undiscoverable.'],\n"
            "  mem_in_bytes: null, runner_version: 2.3.1, uuid: 0b6a5c1e-2f3d-4c5b-9a8e-7d6c5b4a3f21}\n");
}

TEST(WorkerInfo, NullsAndOddUuids) {
  WorkerInfo info = sample(1, std::nullopt);
  info.uuid.reset();
  EXPECT_EQ(format_worker_info(info), "{cpu_count: 1, errors: [], mem_in_bytes: null, runner_version: 2.3.1, uuid: null}\n");
  info.uuid = "it's: odd";
  EXPECT_NE(format_worker_info(info).find("uuid: 'it''s: odd'}"), std::string::npos);
}

TEST(WorkerInfo, ParsesMemTotal) {
  EXPECT_EQ(parse_mem_total("MemTotal:       24684084 kB\nMemFree: 1 kB\n"), 24684084ull * 1024);
  EXPECT_EQ(parse_mem_total("MemFree: 1 kB\n"), std::nullopt);
  EXPECT_EQ(parse_mem_total("MemFree: 1 kB\nMemTotal:\t42 kB"), 42ull * 1024) << "a later line, tab, no newline";
  EXPECT_EQ(parse_mem_total("XMemTotal: 5 kB\n"), std::nullopt) << "only at the start of a line";
  EXPECT_EQ(parse_mem_total("MemTotal:5 kB\n"), std::nullopt) << "a blank must follow the colon";
  EXPECT_EQ(parse_mem_total("MemTotal: kB\n"), std::nullopt);
  EXPECT_EQ(parse_mem_total("MemTotal: 99999999999999999999999 kB\n"), std::nullopt) << "overflow";
}

TEST(WorkerInfo, UuidsAndVersionsArePlainOtherTextQuoted) {
  WorkerInfo info = sample(1, std::nullopt);
  for (const char* plain : {"0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", "0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D"}) {
    info.uuid = plain;
    EXPECT_NE(format_worker_info(info).find(std::string("uuid: ") + plain + "}"), std::string::npos) << plain;
  }
  for (const char* quoted : {"0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5", "0a1b2c3d_4e5f-6a7b-8c9d-0e1f2a3b4c5d", "2.3", "x"}) {
    info.uuid = quoted;
    EXPECT_NE(format_worker_info(info).find(std::string("uuid: '") + quoted + "'}"), std::string::npos) << quoted;
  }
  for (const char* version : {"2.3.1", "10.20.30.dev4", "2.3.1rc1"}) {
    info.runner_version = version;
    EXPECT_NE(format_worker_info(info).find(std::string("runner_version: ") + version + ","), std::string::npos);
  }
  info.runner_version = "2.3.1-x";
  EXPECT_NE(format_worker_info(info).find("runner_version: '2.3.1-x',"), std::string::npos);
}

TEST(WorkerInfo, UuidFileIsCreatedOnceWithMode0600) {
  ansible_runner::test::TempDir home;
  std::string path = home / ".ansible_runner_uuid";
  std::string first = ensure_uuid_file(path);
  EXPECT_EQ(first.size(), 36u);
  struct stat st{};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ::chmod(path.c_str(), 0644);
  ansible_runner::util::write_file(path, "  " + first + "\n", 0644);
  EXPECT_EQ(ensure_uuid_file(path), first) << "stripped content";
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "mode forced on every call";
}
