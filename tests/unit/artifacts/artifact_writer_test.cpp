// artifacts/artifact_writer: the files of <artifact root>/<ident>/ as the reference writes them
// (docs/artifacts-and-events.md 1): names, modes, the json.dumps form of `command` and of the
// event files, status/rc without a newline, buffered stdout, hostile event names refused.
#include <algorithm>
#include <fcntl.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "artifacts/artifact_writer.hpp"
#include "test_util.hpp"
#include "util/dir_listing.hpp"
#include "util/fs.hpp"

namespace ansible_runner::artifacts {
namespace {

unsigned mode_of(const std::string& path) {
  struct stat st{};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : util::list_directory(dir).value_or(std::vector<util::DirEntry>{})) {
    names.push_back(entry.name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

ArtifactSettings job_in(const test::TempDir& root) {
  ArtifactSettings c;
  c.artifact_dir = root / "artifacts/job1";
  c.command = {"ansible-playbook", "-i", "inventory", "x y.yml"};
  c.cwd = "/srv/project";
  c.env = Json::object();
  c.env["PATH"] = "/usr/bin";
  c.env["A_VAR"] = "caf\xc3\xa9";
  return c;
}

TEST(ArtifactWriter, PrepareWritesTheCommandAndOpensTheOutputFiles) {
  test::TempDir root;
  ArtifactSettings c = job_in(root);
  ArtifactWriter w(c);
  w.prepare();
  EXPECT_EQ(mode_of(c.artifact_dir), 0700u);
  EXPECT_EQ(mode_of(c.artifact_dir + "/job_events"), 0700u);
  EXPECT_EQ(mode_of(c.artifact_dir + "/command"), 0600u);
  EXPECT_EQ(mode_of(c.artifact_dir + "/stdout"), 0600u);
  // json.dump of {"command", "cwd", "env"}, in that order, with ensure_ascii=False (raw UTF-8),
  // no newline.
  EXPECT_EQ(util::read_file(c.artifact_dir + "/command"),
            "{\"command\": [\"ansible-playbook\", \"-i\", \"inventory\", \"x y.yml\"], \"cwd\": \"/srv/project\", "
            "\"env\": {\"PATH\": \"/usr/bin\", \"A_VAR\": \"caf\xc3\xa9\"}}");
  EXPECT_EQ(names_in(c.artifact_dir), (std::vector<std::string>{"command", "job_events", "stderr", "stdout"}));
  EXPECT_EQ(util::read_file(c.artifact_dir + "/stderr"), "");
}

TEST(ArtifactWriter, SuppressedOutputFileMeansNoStdoutOrStderr) {
  test::TempDir root;
  ArtifactSettings c = job_in(root);
  c.suppress_output_file = true;
  ArtifactWriter w(c);
  w.prepare();
  w.append_stdout("text nobody keeps\n");
  w.write_result("successful", 0);
  EXPECT_EQ(names_in(c.artifact_dir), (std::vector<std::string>{"command", "job_events", "rc", "status"}));
}

TEST(ArtifactWriter, StdoutIsBufferedAndTheResultFlushesIt) {
  test::TempDir root;
  ArtifactSettings c = job_in(root);
  ArtifactWriter w(c);
  w.prepare();
  w.append_stdout("PLAY [all]\r\n");
  EXPECT_EQ(util::read_file(c.artifact_dir + "/stdout"), "") << "buffered";
  w.append_stdout("ok: [localhost]\r\n");
  w.write_result("failed", 2);
  EXPECT_EQ(util::read_file(c.artifact_dir + "/stdout"), "PLAY [all]\r\nok: [localhost]\r\n");
  EXPECT_EQ(util::read_file(c.artifact_dir + "/status"), "failed");
  EXPECT_EQ(util::read_file(c.artifact_dir + "/rc"), "2");
  EXPECT_EQ(mode_of(c.artifact_dir + "/status"), 0600u);
  w.write_result("error", std::nullopt);
  EXPECT_EQ(util::read_file(c.artifact_dir + "/rc"), "None");
}

TEST(ArtifactWriter, EnvListStderrAndAStatusAlone) {
  test::TempDir root;
  ArtifactSettings c = job_in(root);
  {
    ArtifactWriter without(c);
    without.prepare();
    without.write_env_list(); // no env list: no file
    EXPECT_FALSE(util::exists(c.artifact_dir + "/env.list"));
  }
  c.env_list = "A_VAR=1\n";
  ArtifactWriter w(c);
  w.prepare();
  w.write_env_list();
  EXPECT_EQ(util::read_file(c.artifact_dir + "/env.list"), "A_VAR=1\n");
  EXPECT_EQ(mode_of(c.artifact_dir + "/env.list"), 0600u);
  w.write_stderr("boom\n");
  EXPECT_EQ(util::read_file(c.artifact_dir + "/stderr"), "boom\n");
  w.append_stdout("unflushed");
  w.write_status("error"); // the error path: status only, no rc, stdout left as it is
  EXPECT_EQ(util::read_file(c.artifact_dir + "/status"), "error");
  EXPECT_FALSE(util::exists(c.artifact_dir + "/rc"));
  EXPECT_EQ(util::read_file(c.artifact_dir + "/stdout"), "");
}

TEST(ArtifactWriter, SuppressedOutputFileMeansNoStderrEvenWhenCaptured) {
  test::TempDir root;
  ArtifactSettings c = job_in(root);
  c.suppress_output_file = true;
  ArtifactWriter w(c);
  w.prepare();
  w.write_stderr("boom\n");
  EXPECT_FALSE(util::exists(c.artifact_dir + "/stderr"));
}

TEST(ArtifactWriter, EventFilesAreNamedCounterUuidInJsonDumpsForm) {
  test::TempDir root;
  ArtifactSettings c = job_in(root);
  ArtifactWriter w(c);
  w.prepare();
  Json event = Json::object();
  event["uuid"] = "0b1c2d3e-0000-4000-8000-000000000001";
  event["counter"] = 7;
  event["event"] = "runner_on_ok";
  event["stdout"] = "ok: [h\xc3\xa9]";
  event["event_data"] = Json::object();
  event["event_data"]["res"] = Json::parse("{\"x\": 1.5, \"y\": [true, null]}");
  w.write_event(event);
  std::string path = w.job_events_dir() + "/7-0b1c2d3e-0000-4000-8000-000000000001.json";
  EXPECT_EQ(util::read_file(path), "{\"uuid\": \"0b1c2d3e-0000-4000-8000-000000000001\", \"counter\": 7, \"event\": "
                                   "\"runner_on_ok\", \"stdout\": \"ok: [h\\u00e9]\", \"event_data\": {\"res\": "
                                   "{\"x\": 1.5, \"y\": [true, null]}}}");
  EXPECT_EQ(mode_of(path), 0600u);
  w.write_event_text(8, "u8", "{\"counter\": 8}");
  EXPECT_EQ(util::read_file(w.job_events_dir() + "/8-u8.json"), "{\"counter\": 8}");
  EXPECT_EQ(names_in(w.job_events_dir()),
            (std::vector<std::string>{"7-0b1c2d3e-0000-4000-8000-000000000001.json", "8-u8.json"})) << "no .tmp left";
}

TEST(ArtifactWriter, AnEventWhoseUuidIsNotAFileNameGetsNoFile) {
  test::TempDir root;
  ArtifactSettings c = job_in(root);
  ArtifactWriter w(c);
  w.prepare();
  for (const char* uuid : {"../../escape", "a/b", "/abs", "..", ""}) {
    Json event = Json::object();
    event["uuid"] = uuid;
    event["counter"] = 1;
    EXPECT_NO_THROW(w.write_event(event)) << uuid;
    EXPECT_NO_THROW(w.write_event_text(2, uuid, "{}")) << uuid;
  }
  // A uuid with a slash names no file; ".." and "" make plain names, as the reference's do.
  EXPECT_EQ(names_in(w.job_events_dir()), (std::vector<std::string>{"1-...json", "1-.json", "2-...json", "2-.json"}));
  EXPECT_EQ(names_in(root / "artifacts"), (std::vector<std::string>{"job1"}));
  EXPECT_EQ(names_in(root.path()), (std::vector<std::string>{"artifacts"}));
}

TEST(ArtifactWriter, PrepareRotatesOlderArtifactDirs) {
  test::TempDir root;
  for (int i = 0; i < 3; ++i) {
    std::string old = root / ("artifacts/old" + std::to_string(i));
    util::make_dirs(old);
    timespec times[2] = {{1000 + i, 0}, {1000 + i, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, old.c_str(), times, 0), 0);
  }
  ArtifactSettings c = job_in(root);
  c.rotate_artifacts = 2;
  ArtifactWriter w(c);
  w.prepare();
  EXPECT_EQ(names_in(root / "artifacts"), (std::vector<std::string>{"job1", "old2"}));
}

TEST(ArtifactWriter, AFactCacheFileIsJsonDumpsInADirMadeForIt) {
  test::TempDir root;
  Json facts = Json::object();
  facts["ansible_hostname"] = "h\xc3\xa9";
  facts["n"] = 1;
  write_fact_cache_file(root / "fact_cache/localhost", facts);
  EXPECT_EQ(mode_of(root / "fact_cache"), 0700u);
  EXPECT_EQ(util::read_file(root / "fact_cache/localhost"), "{\"ansible_hostname\": \"h\\u00e9\", \"n\": 1}");
}

} // namespace
} // namespace ansible_runner::artifacts
