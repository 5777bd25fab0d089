#pragma once
// Inside the argparse emulation (cli/argparse_compat.hpp): the option tables read from a CLI11
// app, and argparse's usage and help texts made from them (cli/argparse_usage.cpp).
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace ansible_runner::cli::argparse {

enum class Kind { flag, value, star, help, version };

struct OptSpec {
  CLI::Option* option = nullptr;
  std::vector<std::string> strings; // "-p", "--playbook", in declaration order
  Kind kind = Kind::value;
  bool is_int = false;
  std::string metavar;
  std::string display() const { // argparse's "-p/--playbook"
    std::string out;
    for (const auto& s : strings) {
      out += (out.empty() ? "" : "/") + s;
    }
    return out;
  }
};

struct AppSpec {
  CLI::App* app = nullptr;
  std::string prog;
  std::vector<OptSpec> optionals;
  std::vector<CLI::Option*> positionals;
  std::vector<CLI::App*> subcommands;
  std::string subcommand_dest;
};

// The tables of `app`; `subcommand_dest` names its subcommand positional in messages.
AppSpec spec_for(CLI::App* app, const std::string& prog, const std::string& subcommand_dest);

// argparse's usage text, wrapped as its HelpFormatter does.
std::string usage_for(const AppSpec& spec);

// The help text of `app`: argparse's usage line, the description, CLI11's option list.
std::string help_text(CLI::App& app, const std::string& prog);

} // namespace ansible_runner::cli::argparse
