// The CLI's argparse compatibility (docs/cli.md) on the real option tables of `transmit`:
// abbreviations, clusters, attached values, appended options, and argparse's usage errors.
#include "cli/argparse_compat.hpp"

#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <vector>

#include "cli/job_flags.hpp"

using ansible_runner::cli::JobFlags;
using ansible_runner::cli::parse_like_argparse;
using ansible_runner::cli::UsageError;

namespace {

// The flags read their options (StringFlag::get() asks the option whether it was given), so
// the app lives as long as the flags: both on the heap, where moving Parsed leaves them.
struct Parsed {
  std::unique_ptr<JobFlags> owned_flags = std::make_unique<JobFlags>();
  std::unique_ptr<CLI::App> app = std::make_unique<CLI::App>("test", "ansible-runner");
  JobFlags& flags = *owned_flags;
  std::string error; // argparse's message when the argv is refused
};

Parsed parse(const std::vector<std::string>& args) {
  Parsed out;
  CLI::App* sub = out.app->add_subcommand("transmit", "Send a job to a remote ansible-runner process");
  ansible_runner::cli::add_job_flags(*sub, out.flags, false);
  std::vector<std::string> argv{"transmit"};
  argv.insert(argv.end(), args.begin(), args.end());
  try {
    parse_like_argparse(*out.app, "ansible-runner", argv);
  } catch (const UsageError& e) {
    out.error = e.message;
  }
  return out;
}

} // namespace

TEST(ArgparseCompat, AbbreviationsAttachedValuesAndClusters) {
  Parsed p = parse({"pdd", "--proj", "/srv/p", "-px.yml", "--limit=web", "-vvq"});
  ASSERT_EQ("", p.error);
  EXPECT_EQ("pdd", p.flags.private_data_dir);
  EXPECT_EQ("/srv/p", p.flags.project_dir.get().value_or(""));
  EXPECT_EQ("x.yml", p.flags.playbook.get().value_or(""));
  EXPECT_EQ("web", p.flags.limit.get().value_or(""));
  EXPECT_EQ(2, p.flags.verbosity);
  EXPECT_TRUE(p.flags.quiet);
}

TEST(ArgparseCompat, AppendedOptionsCollectEveryValue) {
  Parsed p = parse({"pdd", "--container-volume-mount", "/a:/a", "--container-vol=/b:/b:Z", "-p", "x.yml"});
  ASSERT_EQ("", p.error);
  EXPECT_EQ((std::vector<std::string>{"/a:/a", "/b:/b:Z"}), p.flags.container_volume_mounts.get().value());
  EXPECT_EQ("x.yml", p.flags.playbook.get().value_or(""));
}

TEST(ArgparseCompat, UsageErrorsInArgparseWords) {
  EXPECT_EQ("argument -p/--playbook: expected one argument", parse({"pdd", "-p", "--limit", "x"}).error);
  EXPECT_EQ("unrecognized arguments: --bogus", parse({"pdd", "-p", "x.yml", "--bogus"}).error);
  EXPECT_NE(std::string::npos, parse({"pdd", "--ro", "x"}).error.find("ambiguous option: --ro could match"));
  // A value with a space is a value, even when it starts with '-' (argparse's rule).
  Parsed p = parse({"pdd", "-p", "x.yml", "--cmdline", "-e x=1 -e y=2"});
  ASSERT_EQ("", p.error);
  EXPECT_EQ("-e x=1 -e y=2", p.flags.cmdline.get().value_or(""));
}
