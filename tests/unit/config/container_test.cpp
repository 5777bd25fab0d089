#include "config/container.hpp"

#include <algorithm>
#include <cstdlib>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "test_util.hpp"
#include "util/fs.hpp"

using ansible_runner::Json;
using ansible_runner::config::Container;
using ansible_runner::config::ContainerSpec;
using ansible_runner::config::wrap_for_container;
using ansible_runner::test::TempDir;

namespace {

// The registry auth files wrap_for_container writes for auth_data, under TMPDIR=dir/tmp.
struct AuthFiles {
  Container container;
  std::string auth_json;
  std::optional<std::string> registries_conf;
};

AuthFiles auth_files(const TempDir& dir, const Json& auth) {
  ansible_runner::util::make_dirs(dir / "pdd", 0700);
  ansible_runner::util::make_dirs(dir / "tmp", 0700);
  std::optional<std::string> old;
  if (const char* t = std::getenv("TMPDIR")) {
    old = t;
  }
  ::setenv("TMPDIR", (dir / "tmp").c_str(), 1);
  ContainerSpec spec;
  spec.executable = "podman";
  spec.private_data_dir = dir / "pdd";
  spec.artifact_dir = dir / "pdd/artifacts/x";
  spec.ident = "x";
  spec.container_name = "ansible_runner_x";
  spec.image = "img";
  spec.auth_data = auth;
  AuthFiles out{wrap_for_container(spec, {"ansible-playbook"}), "", std::nullopt};
  old ? ::setenv("TMPDIR", old->c_str(), 1) : ::unsetenv("TMPDIR");
  EXPECT_TRUE(out.container.registry_auth_dir.has_value());
  out.auth_json = ansible_runner::util::read_file(*out.container.registry_auth_dir + "/auth.json");
  out.registries_conf = ansible_runner::util::read_file_if_exists(*out.container.registry_auth_dir + "/registries.conf");
  return out;
}

} // namespace

// The expected texts are the reference's: json.dumps({'auths': {host: {'auth': b64encode(
// '{}:{}'.format(username, password))}}}, indent=4).
TEST(RegistryAuth, AuthFileIsTheReferences) {
  TempDir dir;
  auto files = auth_files(dir, Json{{"host", "127.0.0.1:5000"}, {"username", "u"}, {"password", "p"}});
  EXPECT_EQ(files.auth_json, "{\n    \"auths\": {\n        \"127.0.0.1:5000\": {\n            \"auth\": \"dTpw\"\n        }\n    }\n}");
  EXPECT_FALSE(files.registries_conf.has_value());
  struct stat st{};
  ASSERT_EQ(::stat(files.container.registry_auth_dir->c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((*files.container.registry_auth_dir + "/auth.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(files.container.registry_auth_dir->rfind(dir / "tmp/ansible_runner_registry_x_", 0), 0u);
  EXPECT_NE(std::find(files.container.command.begin(), files.container.command.end(),
                      "--authfile=" + *files.container.registry_auth_dir + "/auth.json"),
            files.container.command.end());
}

TEST(RegistryAuth, MissingHostIsANullKeyAsJsonDumpsWritesIt) {
  TempDir dir;
  auto files = auth_files(dir, Json{{"username", "u"}, {"password", "p"}, {"verify_ssl", false}});
  EXPECT_EQ(files.auth_json, "{\n    \"auths\": {\n        \"null\": {\n            \"auth\": \"dTpw\"\n        }\n    }\n}");
  // registries.conf takes str.format's text of None.
  ASSERT_TRUE(files.registries_conf.has_value());
  EXPECT_EQ(*files.registries_conf, "[[registry]]\nlocation = \"None\"\ninsecure = true");
}

TEST(RegistryAuth, NonStringAndNonAsciiValues) {
  TempDir dir;
  auto files = auth_files(dir, Json{{"host", 5000}, {"password", "p"}});
  EXPECT_EQ(files.auth_json, "{\n    \"auths\": {\n        \"5000\": {\n            \"auth\": \"Tm9uZTpw\"\n        }\n    }\n}");
  TempDir dir2;
  auto more = auth_files(dir2, Json{{"host", "r\u00e9gistry.example"}, {"username", "\u00fc"}, {"password", "p\u00e4\u2713"}});
  EXPECT_EQ(more.auth_json, "{\n    \"auths\": {\n        \"r\\u00e9gistry.example\": {\n            \"auth\": \"w7w6cMOk4pyT\"\n        }\n    }\n}");
}
