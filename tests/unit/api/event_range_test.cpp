#include <ansible_runner/events.hpp>

#include <atomic>
#include <gtest/gtest.h>
#include <ranges>
#include <thread>

#include <ansible_runner/errors.hpp>

#include "api_test_util.hpp"

using ansible_runner::Error;
using ansible_runner::EventRange;
using ansible_runner::Json;
using ansible_runner::test::TempDir;
using ansible_runner::test::write_event;

namespace {

std::vector<long> counters(const EventRange& range) {
  std::vector<long> out;
  for (const Json& event : range) {
    out.push_back(event["counter"].get<long>());
  }
  return out;
}

} // namespace

static_assert(std::ranges::input_range<EventRange>);

TEST(EventRange, ReadsInNumericCounterOrder) {
  TempDir dir;
  std::string events = dir / "job_events";
  for (long c : {10, 2, 1, 33, 3}) {
    write_event(events, c, "verbose");
  }
  EXPECT_EQ((std::vector<long>{1, 2, 3, 10, 33}), counters(EventRange(events)));
}

TEST(EventRange, SkipsPartialsTemporariesAndOtherFiles) {
  TempDir dir;
  std::string events = dir / "job_events";
  write_event(events, 1, "verbose");
  ansible_runner::util::write_file(events + "/2-abc-partial.json", "{}");
  ansible_runner::util::write_file(events + "/3-abc.json.tmp", "{}");
  ansible_runner::util::write_file(events + "/abc.json", "{}");
  ansible_runner::util::write_file(events + "/4-json", "{}"); // ^[0-9]+-.+json$ needs a char
  EXPECT_EQ((std::vector<long>{1}), counters(EventRange(events)));
}

TEST(EventRange, InvalidJsonEndsThePassAsInTheReference) {
  TempDir dir;
  std::string events = dir / "job_events";
  write_event(events, 1, "verbose");
  ansible_runner::util::write_file(events + "/2-bad.json", "{not json");
  write_event(events, 3, "verbose");
  EXPECT_EQ((std::vector<long>{1}), counters(EventRange(events)));
}

TEST(EventRange, EachBeginStartsAFreshPassAndFiltersApply) {
  TempDir dir;
  std::string events = dir / "job_events";
  write_event(events, 1, "runner_on_ok", "a");
  write_event(events, 2, "runner_on_ok", "b");
  write_event(events, 3, "runner_on_failed", "a");
  EventRange range(events, [](const Json& e) { return e["event_data"]["host"] == "a"; });
  EXPECT_EQ((std::vector<long>{1, 3}), counters(range));
  EXPECT_EQ((std::vector<long>{1, 3}), counters(range));
}

TEST(EventRange, MissingDirectoryThrows) {
  TempDir dir;
  EventRange range(dir / "job_events");
  try {
    (void)range.begin();
    FAIL() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(std::string("events directory is missing: ") + (dir / "job_events"), e.what());
  }
}

TEST(EventRange, FollowsARunningJobUntilItEnds) {
  TempDir dir;
  std::string events = dir / "job_events";
  std::atomic<bool> running{true};
  std::thread writer([&] {
    // The directory appears late, as it does when a job starts.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    for (long c = 1; c <= 5; ++c) {
      write_event(events, c, "verbose");
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
    }
    write_event(events, 6, "playbook_on_stats");
    running = false;
  });
  std::vector<long> seen = counters(EventRange(events, {}, [&] { return running.load(); }));
  writer.join();
  EXPECT_EQ((std::vector<long>{1, 2, 3, 4, 5, 6}), seen);
}

TEST(EventRange, StatsHaveTheReferenceShape) {
  TempDir dir;
  std::string events = dir / "job_events";
  write_event(events, 1, "playbook_on_start");
  EXPECT_FALSE(ansible_runner::stats_of(EventRange(events)).has_value());

  Json stats_event = {{"uuid", "u"}, {"counter", 2}, {"event", "playbook_on_stats"},
                      {"event_data", {{"ok", {{"localhost", 2}}}, {"changed", {{"localhost", 1}}}, {"extra", 1}}}};
  ansible_runner::util::write_file(events + "/2-u.json", ansible_runner::util::python_dumps(stats_event));
  auto stats = ansible_runner::stats_of(EventRange(events));
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(R"({"skipped":{},"ok":{"localhost":2},"dark":{},"failures":{},"ignored":{},"rescued":{},"processed":{},"changed":{"localhost":1}})",
            stats->dump());
}
