#pragma once
// Makes a CLI11 command tree behave like the reference's argparse parser (docs/cli.md): option
// abbreviations (--proj -> --project-dir), "-px.yml"/"-p=x"/"--opt=value", "-vvq" clusters,
// nargs='*' options that stop at the next option, values that look like options refused
// ("expected one argument") unless they contain a space, "--", argparse's error texts and
// usage lines, exit status 2.
//
// How: the argv is first tokenised with argparse's rules against the option tables read from
// the CLI11 apps; what comes out is an unambiguous argv (--long=value, one token per value)
// that CLI11 then parses into the typed fields. Positionals are assigned directly, so a
// private data dir named like a subcommand or starting with '-' cannot confuse CLI11.
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/deferred_options.hpp"

namespace ansible_runner::cli {

// Thrown for an argparse usage error; main prints `usage` then "<prog>: error: <message>" on
// stderr and exits 2.
struct UsageError {
  std::string usage;
  std::string prog;
  std::string message;
  bool common_usage = false; // also print the "common commands" text on stdout first
};

// What parse_like_argparse found, besides the values stored through CLI11.
struct ParseOutcome {
  enum class Kind { parsed, help, version };
  Kind kind = Kind::parsed;
  std::string text;   // help or version text to print on stdout
  std::vector<CLI::App*> chain; // selected subcommands, outermost first
};

// Parses argv into `app` with argparse semantics. Marks every --version flag and the help
// flags; returns help/version without parsing further. The options `deferred` holds for a
// subcommand are declared when the argv selects it. Throws UsageError.
ParseOutcome parse_like_argparse(CLI::App& app, const std::string& prog, const std::vector<std::string>& args,
                                 DeferredOptions* deferred = nullptr);

// argparse's usage text for an app ("usage: ansible-runner run [-h] ..."), wrapped at 78
// columns as argparse does without a terminal.
std::string argparse_usage(CLI::App& app, const std::string& prog);

// The "common commands" text the reference prints when no subcommand is given.
const char* common_usage_text();

} // namespace ansible_runner::cli
