// run_command and the Ansible tool helpers. The helpers run the real ansible-doc,
// ansible-inventory and ansible-config (skipped when Ansible is not installed).
#include <ansible_runner/commands.hpp>

#include <fcntl.h>
#include <sstream>
#include <gtest/gtest.h>
#include <unistd.h>

#include <ansible_runner/errors.hpp>

#include "api_test_util.hpp"
#include "util/fd.hpp"

using ansible_runner::CommandOptions;
using ansible_runner::CommandResponse;
using ansible_runner::Handlers;
using ansible_runner::Json;
using ansible_runner::RunnerMode;
using ansible_runner::test::TempDir;
using Args = std::vector<std::string>;

namespace {

CommandOptions options_in(const TempDir& dir, RunnerMode mode = RunnerMode::subprocess) {
  CommandOptions o;
  o.private_data_dir = dir.path();
  o.ident = "c1";
  o.quiet = true;
  o.runner_mode = mode;
  return o;
}

bool have_ansible() { return ansible_runner::util::exists("/usr/bin/ansible-doc"); }

} // namespace

TEST(RunCommand, SubprocessModeKeepsStdoutAndStderrApart) {
  TempDir dir;
  std::vector<std::string> statuses;
  std::vector<Json> events;
  Handlers handlers;
  handlers.on_status = [&](const Json& s) { statuses.push_back(s["status"].get<std::string>()); };
  handlers.on_event = [&](const Json& e) {
    events.push_back(e);
    return true;
  };
  CommandResponse r = ansible_runner::run_command(
      "sh", Args{"-c", "echo one; echo two; echo oops >&2; printf 'cr\\r\\nend\\n'; exit 3"}, options_in(dir), handlers);
  EXPECT_EQ("one\ntwo\ncr\nend\n", r.response); // universal newlines, as the reference's text mode
  EXPECT_EQ("oops\n", r.error);
  EXPECT_EQ(3, r.rc);
  EXPECT_FALSE(r.json.has_value());
  EXPECT_EQ("failed", r.runner.status);
  EXPECT_TRUE(r.runner.errored);
  EXPECT_EQ((std::vector<std::string>{"starting", "running", "failed"}), statuses);
  ASSERT_EQ(5u, events.size());
  EXPECT_EQ("verbose", events[0]["event"]);
  EXPECT_EQ("one", events[0]["stdout"]);
  EXPECT_EQ("oops", events[4]["stdout"]);
  EXPECT_EQ(5, events[4]["counter"]); // counters continue into stderr (the reference restarts)
  EXPECT_EQ("3", ansible_runner::util::read_file(dir / "artifacts/c1/rc"));
  EXPECT_EQ("failed", ansible_runner::util::read_file(dir / "artifacts/c1/status"));
  Json command = Json::parse(ansible_runner::util::read_file(dir / "artifacts/c1/command"));
  EXPECT_EQ((Json::array({"sh", "-c", "echo one; echo two; echo oops >&2; printf 'cr\\r\\nend\\n'; exit 3"})),
            command["command"]);
  EXPECT_FALSE(command["env"].contains("RUNNER_OMIT_EVENTS"));
}

TEST(RunCommand, SubprocessTimeout) {
  TempDir dir;
  CommandOptions o = options_in(dir);
  o.timeout = 1;
  const auto start = std::chrono::steady_clock::now();
  CommandResponse r = ansible_runner::run_command("sh", Args{"-c", "echo before; sleep 30"}, o);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(254, r.rc);
  EXPECT_EQ("timeout", r.runner.status);
  EXPECT_TRUE(r.runner.timed_out);
  EXPECT_EQ("before\n", r.response);
}

TEST(RunCommand, SubprocessTimeoutFromSettings) {
  TempDir dir;
  CommandOptions o = options_in(dir);
  o.settings = Json{{"subprocess_timeout", 1}};
  CommandResponse r = ansible_runner::run_command("sleep", Args{"30"}, o);
  EXPECT_EQ("timeout", r.runner.status);
}

TEST(RunCommand, MissingExecutableIsRc254WithTheErrorAsStderr) {
  TempDir dir;
  CommandResponse r = ansible_runner::run_command("no-such-command-xyz", Args{}, options_in(dir));
  EXPECT_EQ(254, r.rc);
  EXPECT_EQ("failed", r.runner.status);
  EXPECT_EQ("[Errno 2] No such file or directory: 'no-such-command-xyz'\n", r.error);
}

TEST(RunCommand, InputAndOutputFds) {
  TempDir dir;
  ansible_runner::util::write_file(dir / "in.txt", "fed through stdin\n");
  ansible_runner::util::UniqueFd in(::open((dir / "in.txt").c_str(), O_RDONLY | O_CLOEXEC));
  ansible_runner::util::UniqueFd out(::open((dir / "out.txt").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
  CommandOptions o = options_in(dir);
  o.runner_mode.reset(); // input_fd picks subprocess mode
  o.input_fd = in.get();
  o.output_fd = out.get();
  CommandResponse r = ansible_runner::run_command("cat", std::nullopt, o);
  EXPECT_EQ(0, r.rc);
  EXPECT_EQ("", r.response); // went to output_fd instead
  EXPECT_EQ("fed through stdin\n", ansible_runner::util::read_file(dir / "out.txt"));
}

TEST(RunCommand, PexpectModeRunsOnATerminal) {
  TempDir dir;
  CommandResponse r =
      ansible_runner::run_command("sh", Args{"-c", "test -t 1 && echo tty; echo err >&2"}, options_in(dir, RunnerMode::pexpect));
  EXPECT_EQ(0, r.rc);
  EXPECT_EQ("tty\r\nerr\r\n", r.response);
  EXPECT_EQ("", r.error);
}

TEST(RunCommand, PexpectModeAnswersPasswordPrompts) {
  TempDir dir;
  CommandOptions o = options_in(dir, RunnerMode::pexpect);
  o.passwords = Json{{"Secret:\\s*$", "s3cret"}};
  CommandResponse r = ansible_runner::run_command("sh", Args{"-c", "printf 'Secret: '; read x; echo \"got $x\""}, o);
  EXPECT_EQ(0, r.rc);
  EXPECT_NE(std::string::npos, r.response.find("got s3cret")) << r.response;
}

TEST(RunCommand, DefaultsToATempPrivateDataDir) {
  CommandOptions o;
  o.quiet = true;
  o.runner_mode = RunnerMode::subprocess;
  CommandResponse r = ansible_runner::run_command("true", Args{}, o);
  EXPECT_EQ(0, r.rc);
  EXPECT_NE(std::string::npos, r.runner.private_data_dir.find("/.ansible-runner-"));
  ansible_runner::util::remove_tree(r.runner.private_data_dir, true);
}

TEST(RunCommand, SuppressedOutputFileRaisesLikeTheReference) {
  TempDir dir;
  CommandOptions o = options_in(dir);
  o.settings = Json{{"suppress_output_file", true}};
  try {
    ansible_runner::run_command("true", Args{}, o);
    FAIL();
  } catch (const ansible_runner::Error& e) {
    EXPECT_STREQ("stdout missing", e.what());
  }
}

TEST(RunCommand, AsyncCanBeCanceled) {
  TempDir dir;
  ansible_runner::RunHandle handle = ansible_runner::run_command_async("sleep", Args{"30"}, options_in(dir));
  EXPECT_FALSE(handle.wait_for(std::chrono::milliseconds(200)));
  handle.cancel();
  EXPECT_EQ("canceled", handle.wait().status);
  EXPECT_EQ(254, handle.rc());
}

TEST(ParseJsonResponse, DropsWarningsBeforeTheFirstBrace) {
  EXPECT_EQ((Json{{"a", 1}}), ansible_runner::parse_json_response("[WARNING]: no inventory\n{\"a\": 1}\n\n"));
  EXPECT_THROW(ansible_runner::parse_json_response("no json here"), ansible_runner::Error);
  EXPECT_THROW(ansible_runner::parse_json_response("{broken"), ansible_runner::Error);
}

TEST(Helpers, PluginDocsAsJson) {
  if (!have_ansible()) {
    GTEST_SKIP();
  }
  TempDir dir;
  ansible_runner::PluginDocsRequest request;
  request.plugin_names = {"ansible.builtin.ping"};
  request.response_format = "json";
  CommandResponse r = ansible_runner::get_plugin_docs(request, options_in(dir));
  EXPECT_EQ(0, r.rc);
  ASSERT_TRUE(r.json.has_value());
  EXPECT_TRUE(r.json->contains("ansible.builtin.ping"));
  EXPECT_TRUE(r.runner.command.at(0).ends_with("/ansible-doc"));
}

TEST(Helpers, PluginDocsAsyncGivesAHandle) {
  if (!have_ansible()) {
    GTEST_SKIP();
  }
  TempDir dir;
  ansible_runner::PluginDocsRequest request;
  request.plugin_names = {"ansible.builtin.ping"};
  request.snippet = true;
  ansible_runner::RunHandle handle = ansible_runner::get_plugin_docs_async(request, options_in(dir));
  const ansible_runner::RunResult& result = handle.wait();
  EXPECT_EQ("successful", result.status);
  std::stringstream text;
  text << result.open_stdout().rdbuf();
  EXPECT_NE(std::string::npos, text.str().find("ping")) << text.str();
  EXPECT_EQ("-s", result.command.at(1));
}

TEST(Helpers, PluginListHumanIsText) {
  if (!have_ansible()) {
    GTEST_SKIP();
  }
  TempDir dir;
  ansible_runner::PluginListRequest request;
  request.plugin_type = "cache";
  CommandResponse r = ansible_runner::get_plugin_list(request, options_in(dir));
  EXPECT_EQ(0, r.rc);
  EXPECT_FALSE(r.json.has_value());
  EXPECT_NE(std::string::npos, r.response.find("jsonfile"));
}

TEST(Helpers, InventoryListAndHost) {
  if (!have_ansible()) {
    GTEST_SKIP();
  }
  TempDir dir;
  ansible_runner::util::write_file(dir / "hosts", "[web]\nweb1 color=blue\nweb2\n");
  ansible_runner::InventoryRequest request;
  request.action = "list";
  request.inventories = {dir / "hosts"};
  request.response_format = "json";
  CommandResponse r = ansible_runner::get_inventory(request, options_in(dir));
  ASSERT_TRUE(r.json.has_value());
  EXPECT_EQ((Json::array({"web1", "web2"})), (*r.json)["web"]["hosts"]);

  request.action = "host";
  request.host = "web1";
  request.response_format.reset(); // JSON output, but the reference parses only with "json"
  r = ansible_runner::get_inventory(request, options_in(dir));
  EXPECT_FALSE(r.json.has_value());
  EXPECT_EQ("blue", ansible_runner::parse_json_response(r.response)["color"]);
}

TEST(Helpers, AnsibleConfigIsText) {
  if (!have_ansible()) {
    GTEST_SKIP();
  }
  TempDir dir;
  ansible_runner::AnsibleConfigRequest request;
  request.action = "dump";
  request.only_changed = true;
  CommandOptions o = options_in(dir);
  o.envvars = Json{{"ANSIBLE_FORKS", "7"}};
  CommandResponse r = ansible_runner::get_ansible_config(request, o);
  EXPECT_EQ(0, r.rc);
  EXPECT_NE(std::string::npos, r.response.find("DEFAULT_FORKS"));
}

TEST(Helpers, RoleListAndArgspec) {
  if (!have_ansible()) {
    GTEST_SKIP();
  }
  TempDir dir;
  ansible_runner::util::make_dirs(dir / "pb/roles/web/meta", 0700);
  ansible_runner::util::make_dirs(dir / "pb/roles/web/tasks", 0700);
  ansible_runner::util::write_file(dir / "pb/roles/web/tasks/main.yml", "- debug: msg=hi\n");
  ansible_runner::util::write_file(dir / "pb/roles/web/meta/argument_specs.yml",
                                   "argument_specs:\n  main:\n    short_description: Web role\n"
                                   "    options:\n      port:\n        type: int\n        default: 80\n");
  CommandResponse list = ansible_runner::get_role_list({std::nullopt, dir / "pb"}, options_in(dir));
  ASSERT_TRUE(list.json.has_value()) << list.error;
  EXPECT_TRUE(list.json->contains("web")) << list.response;

  CommandResponse spec = ansible_runner::get_role_argspec({"web", std::nullopt, dir / "pb"}, options_in(dir));
  ASSERT_TRUE(spec.json.has_value()) << spec.error;
  EXPECT_EQ("int", (*spec.json)["web"]["entry_points"]["main"]["options"]["port"]["type"]) << spec.response;
}

TEST(Helpers, MissingToolIsAConfigurationError) {
  TempDir dir;
  CommandOptions o = options_in(dir);
  const char* old_path = std::getenv("PATH");
  std::string saved = old_path ? old_path : "";
  ::setenv("PATH", (dir / "empty").c_str(), 1);
  try {
    ansible_runner::get_ansible_config({"list", std::nullopt, false}, o);
    ::setenv("PATH", saved.c_str(), 1);
    FAIL();
  } catch (const ansible_runner::ConfigurationError& e) {
    ::setenv("PATH", saved.c_str(), 1);
    EXPECT_STREQ("ansible-config command not found", e.what());
  }
}

TEST(Helpers, ContainerCommandLineIsRecorded) {
  // A fake engine: prints its arguments, so the test needs no podman.
  TempDir dir;
  ansible_runner::util::make_dirs(dir / "bin", 0700);
  ansible_runner::util::write_file(dir / "bin/podman", "#!/bin/sh\necho \"$@\"\n", 0755);
  CommandOptions o = options_in(dir);
  o.process_isolation = true;
  o.envvars = Json{{"PATH", (dir / "bin") + ":/usr/bin:/bin"}};
  const char* old_path = std::getenv("PATH");
  std::string saved = old_path ? old_path : "";
  ::setenv("PATH", ((dir / "bin") + ":" + saved).c_str(), 1);
  CommandResponse r = ansible_runner::get_ansible_config({"list", std::nullopt, false}, o);
  ::setenv("PATH", saved.c_str(), 1);
  EXPECT_EQ(0, r.rc);
  EXPECT_EQ("podman", r.runner.command.at(0));
  EXPECT_NE(std::string::npos, r.response.find("run --rm --interactive")) << r.response;
  EXPECT_NE(std::string::npos, r.response.find("ansible-config list")) << r.response;
  EXPECT_TRUE(ansible_runner::util::exists(dir / "artifacts/c1/env.list"));
}
