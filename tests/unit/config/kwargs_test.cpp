#include <gtest/gtest.h>

#include <ansible_runner/errors.hpp>

#include "config/kwargs.hpp"

namespace ansible_runner::config {
namespace {

// The 30 keys the reference's CLI transmit sends, nulls included.
Json cli_kwargs() {
  return Json::parse(R"({"ident": "demo1", "binary": null, "playbook": "test.yml", "module": null,
    "module_args": null, "host_pattern": null, "verbosity": null, "quiet": false, "rotate_artifacts": 0,
    "json_mode": false, "omit_event_data": false, "only_failed_event_data": false, "inventory": null,
    "forks": "5", "project_dir": null, "artifact_dir": null, "roles_path": null, "process_isolation": null,
    "process_isolation_executable": null, "process_isolation_path": null, "process_isolation_hide_paths": null,
    "process_isolation_show_paths": null, "process_isolation_ro_paths": null,
    "container_image": "quay.io/ansible/ansible-runner:devel", "container_volume_mounts": null,
    "container_options": null, "directory_isolation_base_path": null, "cmdline": null, "limit": null,
    "suppress_env_files": false})");
}

TEST(Kwargs, CliKeysWithNulls) {
  RunOptions o = options_from_kwargs(cli_kwargs(), "/pdd");
  EXPECT_EQ(o.private_data_dir, "/pdd");
  EXPECT_EQ(*o.ident, "demo1");
  EXPECT_EQ(o.playbook, Json("test.yml"));
  EXPECT_EQ(*o.forks, "5");
  EXPECT_FALSE(o.process_isolation);
  EXPECT_FALSE(o.process_isolation_executable);
  EXPECT_FALSE(o.inventory);
  EXPECT_EQ(o.fact_cache_type, "jsonfile");
}

TEST(Kwargs, AwxStyleKeys) {
  Json k = Json::parse(R"({"ident": 42, "playbook": "p.yml", "inventory": "inventory/hosts",
    "passwords": {"^SSH password:\\s*?$": "x"}, "suppress_env_files": true, "envvars": {"JOB_ID": "42"},
    "ssh_key": "KEY", "fact_cache_type": "", "process_isolation": true,
    "process_isolation_executable": "podman", "container_image": "img", "container_options": ["--a"],
    "container_volume_mounts": ["/a:/b:Z"], "container_auth_data": {"host": "h", "username": "u",
    "password": "p", "verify_ssl": false}, "forks": 5, "verbosity": 2, "timeout": 30})");
  RunOptions o = options_from_kwargs(k, "/pdd");
  EXPECT_EQ(*o.ident, "42");
  EXPECT_EQ(*o.forks, "5");
  EXPECT_EQ(*o.verbosity, 2);
  EXPECT_EQ(o.fact_cache_type, "");
  EXPECT_TRUE(o.process_isolation);
  EXPECT_EQ(*o.ssh_key, "KEY");
  EXPECT_EQ(*o.timeout, 30);
  EXPECT_EQ(o.container_volume_mounts->front(), "/a:/b:Z");
  EXPECT_EQ((*o.container_auth_data)["host"], "h");
}

TEST(Kwargs, Upstream24AndPlumbingKeysAreAccepted) {
  Json k = Json::parse(R"({"keepalive_seconds": 5, "streamer": "worker", "only_transmit_kwargs": true,
    "event_handler": null, "status_handler": null, "artifacts_handler": null, "finished_callback": null,
    "cancel_callback": null, "_input": null, "_output": null, "debug": true, "logfile": null,
    "ignore_logging": false, "private_data_dir": "/elsewhere", "host_cwd": "/x", "container_workdir": "/w",
    "check_job_event_data": true, "role": "r", "role_vars": {"a": 1}, "hosts": "all",
    "role_skip_facts": true, "roles_path": ["/r"], "tags": "t", "skip_tags": "s",
    "suppress_output_file": true, "suppress_ansible_output": true, "fact_cache": "fc"})");
  RunOptions o = options_from_kwargs(k, "/pdd");
  EXPECT_EQ(o.private_data_dir, "/pdd");
  EXPECT_EQ(*o.role, "r");
  EXPECT_TRUE(o.role_skip_facts);
  EXPECT_EQ(o.fact_cache, "fc");
}

TEST(Kwargs, UnknownKeyHasTheReferenceText) {
  try {
    options_from_kwargs(Json::parse(R"({"nosuch": 1})"), "/pdd");
    FAIL();
  } catch (const UnknownKwargError& e) {
    EXPECT_EQ(e.key(), "nosuch");
    EXPECT_NE(std::string(e.what()).find("got an unexpected keyword argument 'nosuch'"), std::string::npos);
  }
}

TEST(Kwargs, WrongTypeNamesTheKey) {
  try {
    options_from_kwargs(Json::parse(R"({"envvars": [1]})"), "/pdd");
    FAIL();
  } catch (const ConfigurationError& e) {
    EXPECT_NE(std::string(e.what()).find("'envvars'"), std::string::npos);
  }
  EXPECT_THROW(options_from_kwargs(Json::parse(R"({"verbosity": "lots"})"), "/pdd"), ConfigurationError);
  EXPECT_THROW(options_from_kwargs(Json::array(), "/pdd"), ConfigurationError);
}

// Found by fuzzing the job stream: the double was cast to int (undefined behaviour).
TEST(Kwargs, IntegersOutsideIntRangeAreRefused) {
  for (const char* text : {R"({"verbosity": 1e300})", R"({"verbosity": -1e10})", R"({"verbosity": 4294967297})",
                           R"({"rotate_artifacts": 18446744073709551615})"}) {
    EXPECT_THROW(options_from_kwargs(Json::parse(text), "/pdd"), ConfigurationError) << text;
  }
  EXPECT_EQ(*options_from_kwargs(Json::parse(R"({"verbosity": 3.0})"), "/pdd").verbosity, 3);
}

TEST(Kwargs, StringListsAcceptOnePlainString) {
  RunOptions o = options_from_kwargs(Json::parse(R"({"process_isolation_hide_paths": "/secret"})"), "/pdd");
  ASSERT_TRUE(o.process_isolation_hide_paths);
  EXPECT_EQ(o.process_isolation_hide_paths->size(), 1u);
}

TEST(Kwargs, ZeroForksIsUnset) {
  RunOptions o = options_from_kwargs(Json::parse(R"({"forks": 0})"), "/pdd");
  EXPECT_FALSE(o.forks);
}

TEST(Kwargs, NullFactCacheTypeDisablesTheCache) {
  RunOptions o = options_from_kwargs(Json::parse(R"({"fact_cache_type": null})"), "/pdd");
  EXPECT_EQ(o.fact_cache_type, "");
}

} // namespace
TEST(Kwargs, StringListsTakeOnePathOrAListOfStrings) {
  Json kwargs = Json::object();
  kwargs["process_isolation_hide_paths"] = "/secret";
  kwargs["container_options"] = Json::array({"--net=host", "--rm"});
  RunOptions o = options_from_kwargs(kwargs, "/tmp");
  EXPECT_EQ((std::vector<std::string>{"/secret"}), *o.process_isolation_hide_paths);
  EXPECT_EQ((std::vector<std::string>{"--net=host", "--rm"}), *o.container_options);

  kwargs["container_options"] = Json::array({"--rm", 5});
  try {
    options_from_kwargs(kwargs, "/tmp");
    FAIL() << "a list with a number was accepted";
  } catch (const ConfigurationError& e) {
    EXPECT_NE(std::string(e.what()).find("kwargs: 'container_options' must be a list of strings"), std::string::npos)
        << e.what();
  }
}

} // namespace ansible_runner::config
