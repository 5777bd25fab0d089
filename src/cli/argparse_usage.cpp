// argparse's usage and help texts for the CLI11 apps (cli/argparse_spec.hpp).
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>

#include "cli/argparse_compat.hpp"
#include "cli/argparse_spec.hpp"

namespace ansible_runner::cli {
namespace argparse {
namespace {

bool is_generic_type_name(const std::string& name) {
  static const std::set<std::string> generic = {"", "TEXT", "INT", "UINT", "FLOAT", "NUMBER", "BOOLEAN", "[TEXT]"};
  return generic.contains(name);
}

std::string metavar_for(CLI::Option* opt) {
  std::string type = opt->get_type_name();
  if (!is_generic_type_name(type)) {
    return type;
  }
  std::string name = opt->get_lnames().empty() ? opt->get_snames().front() : opt->get_lnames().front();
  std::string out;
  for (char c : name) {
    out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

} // namespace

AppSpec spec_for(CLI::App* app, const std::string& prog, const std::string& subcommand_dest) {
  AppSpec spec;
  spec.app = app;
  spec.prog = prog;
  spec.subcommand_dest = subcommand_dest;
  for (CLI::Option* opt : app->get_options()) {
    if (opt->get_positional() && !opt->nonpositional()) {
      spec.positionals.push_back(opt);
      continue;
    }
    OptSpec o;
    o.option = opt;
    for (const auto& s : opt->get_snames()) {
      o.strings.push_back("-" + s);
    }
    for (const auto& l : opt->get_lnames()) {
      o.strings.push_back("--" + l);
    }
    if (opt == app->get_help_ptr()) {
      o.kind = Kind::help;
    } else if (std::find(o.strings.begin(), o.strings.end(), "--version") != o.strings.end()) {
      o.kind = Kind::version;
    } else if (opt->get_expected_max() == 0) {
      o.kind = Kind::flag;
    } else if (opt->get_expected_max() > 1) {
      o.kind = Kind::star;
    } else {
      o.kind = Kind::value;
    }
    o.is_int = opt->get_type_name() == "INT";
    o.metavar = metavar_for(opt);
    spec.optionals.push_back(std::move(o));
  }
  spec.subcommands = app->get_subcommands([](CLI::App*) { return true; });
  return spec;
}

std::string usage_for(const AppSpec& spec) {
  std::vector<std::string> opt_parts;
  std::set<const CLI::Option*> grouped;
  for (const auto& o : spec.optionals) {
    if (grouped.contains(o.option)) {
      continue;
    }
    auto inner = [](const OptSpec& s) {
      switch (s.kind) {
      case Kind::flag:
      case Kind::help:
      case Kind::version: return s.strings.front();
      case Kind::value: return s.strings.front() + " " + s.metavar;
      case Kind::star: return s.strings.front() + " [" + s.metavar + " ...]";
      }
      return s.strings.front();
    };
    auto excludes = o.option->get_excludes();
    if (!excludes.empty()) {
      std::string group = inner(o);
      for (const auto& other : spec.optionals) {
        if (excludes.contains(other.option)) {
          group += " | " + inner(other);
          grouped.insert(other.option);
        }
      }
      opt_parts.push_back("[" + group + "]");
      continue;
    }
    opt_parts.push_back("[" + inner(o) + "]");
  }
  std::vector<std::string> pos_parts;
  for (const auto* p : spec.positionals) {
    pos_parts.push_back(p->get_name());
  }
  if (!spec.subcommands.empty()) {
    std::string choices;
    for (const auto* sub : spec.subcommands) {
      choices += (choices.empty() ? "" : ",") + sub->get_name();
    }
    pos_parts.push_back("{" + choices + "} ...");
  }

  // argparse's HelpFormatter: width = terminal columns - 2 (80 without a terminal).
  size_t columns = 80;
  if (const char* env = std::getenv("COLUMNS"); env && std::atoi(env) > 0) {
    columns = static_cast<size_t>(std::atoi(env));
  }
  size_t text_width = columns - 2;
  const std::string prefix = "usage: ";
  std::string flat = spec.prog;
  for (const auto& part : opt_parts) {
    flat += " " + part;
  }
  for (const auto& part : pos_parts) {
    flat += " " + part;
  }
  if (prefix.size() + flat.size() <= text_width) {
    return prefix + flat + "\n";
  }
  auto get_lines = [&](const std::vector<std::string>& parts, const std::string& indent, bool first_has_prefix) {
    std::vector<std::string> lines;
    std::vector<std::string> line;
    size_t line_len = first_has_prefix ? prefix.size() - 1 : indent.size() - 1;
    for (const auto& part : parts) {
      if (line_len + 1 + part.size() > text_width && !line.empty()) {
        std::string joined;
        for (const auto& p : line) {
          joined += (joined.empty() ? "" : " ") + p;
        }
        lines.push_back(indent + joined);
        line.clear();
        line_len = indent.size() - 1;
      }
      line.push_back(part);
      line_len += part.size() + 1;
    }
    if (!line.empty()) {
      std::string joined;
      for (const auto& p : line) {
        joined += (joined.empty() ? "" : " ") + p;
      }
      lines.push_back(indent + joined);
    }
    if (first_has_prefix && !lines.empty()) {
      lines[0] = lines[0].substr(indent.size());
    }
    return lines;
  };
  std::string indent(prefix.size() + spec.prog.size() + 1, ' ');
  std::vector<std::string> parts = {spec.prog};
  parts.insert(parts.end(), opt_parts.begin(), opt_parts.end());
  std::vector<std::string> lines = get_lines(parts, indent, true);
  auto rest = get_lines(pos_parts, indent, false);
  lines.insert(lines.end(), rest.begin(), rest.end());
  std::string out = prefix;
  for (size_t i = 0; i < lines.size(); ++i) {
    out += (i == 0 ? "" : "\n") + lines[i];
  }
  return out + "\n";
}

std::string help_text(CLI::App& app, const std::string& prog) {
  std::string body = app.help();
  // Replace CLI11's own usage paragraph with argparse's usage line.
  auto blank = body.find("\n\n");
  std::string rest = blank == std::string::npos ? "" : body.substr(blank + 2);
  std::string description = app.get_description();
  AppSpec spec = spec_for(&app, prog, "");
  return usage_for(spec) + "\n" + (description.empty() ? "" : description + "\n\n") + rest;
}


} // namespace argparse

std::string argparse_usage(CLI::App& app, const std::string& prog) {
  return argparse::usage_for(argparse::spec_for(&app, prog, "command"));
}

const char* common_usage_text() {
  return "\n"
         "These are common Ansible Runner commands:\n"
         "\n"
         "    execute a playbook contained in an ansible-runner directory:\n"
         "\n"
         "        ansible-runner run /tmp/private -p playbook.yml\n"
         "        ansible-runner start /tmp/private -p playbook.yml\n"
         "        ansible-runner stop /tmp/private\n"
         "        ansible-runner is-alive /tmp/private\n"
         "\n"
         "    directly execute ansible primitives:\n"
         "\n"
         "        ansible-runner run . -r role_name --hosts myhost\n"
         "        ansible-runner run . -m command -a \"ls -l\" --hosts myhost\n"
         "\n"
         "`ansible-runner --help` list of optional command line arguments\n"
         "\n";
}

} // namespace ansible_runner::cli
