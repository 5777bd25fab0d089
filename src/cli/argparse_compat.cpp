#include "cli/argparse_compat.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <set>

#include <ansible_runner/runner.hpp>

namespace ansible_runner::cli {

namespace {

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

// Python's int(): optional whitespace and sign, digits with single underscores between them.
std::optional<long long> python_int(std::string text) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
  text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
  size_t pos = 0;
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    pos = 1;
  }
  if (pos >= text.size() || text[pos] == '_' || text.back() == '_' || text.find("__") != std::string::npos) {
    return std::nullopt;
  }
  long long value = 0;
  for (size_t i = pos; i < text.size(); ++i) {
    if (text[i] == '_') {
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(text[i])) ||
        __builtin_mul_overflow(value, 10LL, &value) || __builtin_add_overflow(value, text[i] - '0', &value)) {
      return std::nullopt;
    }
  }
  return negative ? -value : value;
}

bool looks_like_negative_number(const std::string& arg) {
  // argparse: '^-\d+$|^-\d*\.\d+$'
  if (arg.size() < 2 || arg[0] != '-') {
    return false;
  }
  std::string rest = arg.substr(1);
  auto dot = rest.find('.');
  auto all_digits = [](const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
  };
  if (dot == std::string::npos) {
    return all_digits(rest);
  }
  std::string after = rest.substr(dot + 1);
  return all_digits(rest.substr(0, dot)) && !after.empty() && all_digits(after);
}

// One level of the command tree being tokenised.
class LevelParser {
public:
  LevelParser(AppSpec spec, std::vector<std::string>& extras) : m_spec(std::move(spec)), m_extras(extras) {}

  // Consumes args[begin, end). Returns the index where a subcommand name was found (or end).
  size_t run(const std::vector<std::string>& args, size_t begin, size_t end, ParseOutcome& outcome) {
    m_args = &args;
    m_end = end;
    bool after_dashdash = false;
    size_t i = begin;
    while (i < end) {
      const std::string& arg = args[i];
      if (!after_dashdash && arg == "--") {
        after_dashdash = true;
        ++i;
        continue;
      }
      if (after_dashdash || !is_option_like(arg)) {
        if (m_positional_values.size() < m_spec.positionals.size()) {
          m_positional_values.push_back(arg);
        } else if (!m_spec.subcommands.empty()) {
          for (auto* sub : m_spec.subcommands) {
            if (sub->get_name() == arg) {
              m_subcommand = sub;
              return i;
            }
          }
          std::string choices;
          for (auto* sub : m_spec.subcommands) {
            choices += (choices.empty() ? "'" : ", '") + sub->get_name() + "'";
          }
          fail("argument " + m_spec.subcommand_dest + ": invalid choice: '" + arg + "' (choose from " + choices + ")");
        } else {
          m_extras.push_back(arg);
        }
        ++i;
        continue;
      }
      i = consume_optional(i, outcome);
      if (outcome.kind != ParseOutcome::Kind::parsed) {
        return end;
      }
    }
    return end;
  }

  // argparse's end-of-parse check for this level.
  void check_required() const {
    std::string missing;
    for (size_t k = m_positional_values.size(); k < m_spec.positionals.size(); ++k) {
      missing += (missing.empty() ? "" : ", ") + m_spec.positionals[k]->get_name();
    }
    if (!missing.empty()) {
      fail("the following arguments are required: " + missing);
    }
  }

  CLI::App* subcommand() const { return m_subcommand; }
  const AppSpec& spec() const { return m_spec; }
  const std::vector<std::string>& tokens() const { return m_tokens; }
  const std::vector<std::string>& positional_values() const { return m_positional_values; }

  [[noreturn]] void fail(const std::string& message) const { throw UsageError{usage_for(m_spec), m_spec.prog, message}; }

private:
  const OptSpec* find_exact(const std::string& s) const {
    for (const auto& o : m_spec.optionals) {
      if (std::find(o.strings.begin(), o.strings.end(), s) != o.strings.end()) {
        return &o;
      }
    }
    return nullptr;
  }

  struct Match {
    const OptSpec* spec = nullptr;
    std::string option_string;
    std::optional<std::string> explicit_arg;
  };

  // argparse's _parse_optional for an option-like arg (unknown options give spec == nullptr).
  Match match_option(const std::string& arg) const {
    if (const OptSpec* o = find_exact(arg)) {
      return {o, arg, std::nullopt};
    }
    auto eq = arg.find('=');
    if (eq != std::string::npos) {
      if (const OptSpec* o = find_exact(arg.substr(0, eq))) {
        return {o, arg.substr(0, eq), arg.substr(eq + 1)};
      }
    }
    std::vector<Match> matches;
    if (arg.starts_with("--")) {
      std::string prefix = eq == std::string::npos ? arg : arg.substr(0, eq);
      std::optional<std::string> explicit_arg;
      if (eq != std::string::npos) {
        explicit_arg = arg.substr(eq + 1);
      }
      for (const auto& o : m_spec.optionals) {
        for (const auto& s : o.strings) {
          if (s.starts_with(prefix)) {
            matches.push_back({&o, s, explicit_arg});
          }
        }
      }
    } else {
      std::string short_prefix = arg.substr(0, 2);
      std::string short_explicit = arg.substr(2);
      for (const auto& o : m_spec.optionals) {
        for (const auto& s : o.strings) {
          if (s == short_prefix) {
            matches.push_back({&o, s, short_explicit});
          } else if (s.starts_with(arg)) {
            matches.push_back({&o, s, std::nullopt});
          }
        }
      }
    }
    if (matches.size() > 1) {
      std::string names;
      for (const auto& m : matches) {
        names += (names.empty() ? "" : ", ") + m.option_string;
      }
      fail("ambiguous option: " + (eq == std::string::npos ? arg : arg.substr(0, eq)) + " could match " + names);
    }
    if (matches.size() == 1) {
      return matches.front();
    }
    return {};
  }

  bool is_option_like(const std::string& arg) const {
    if (!arg.starts_with('-') || arg == "-") {
      return false;
    }
    if (find_exact(arg)) {
      return true;
    }
    auto eq = arg.find('=');
    if (eq != std::string::npos && find_exact(arg.substr(0, eq))) {
      return true;
    }
    if (match_option(arg).spec) {
      return true;
    }
    if (looks_like_negative_number(arg)) {
      return false;
    }
    return arg.find(' ') == std::string::npos;
  }

  void record(const OptSpec& o, const std::vector<std::string>& values) {
    // Mutually exclusive options (-p/-m/-r): argparse names the later one first.
    for (const auto& seen : m_seen) {
      if (o.option->get_excludes().contains(seen->option)) {
        throw UsageError{usage_for(m_spec), m_spec.prog,
                         "argument " + o.display() + ": not allowed with argument " + seen->display()};
      }
    }
    if (std::find(m_seen.begin(), m_seen.end(), &o) == m_seen.end()) {
      m_seen.push_back(&o);
    }
    std::string name = o.strings.back();
    if (o.kind == Kind::flag) {
      m_tokens.push_back(name);
      return;
    }
    // argparse keeps the last occurrence of a store or nargs='*' option (CLI11 would refuse the
    // second one); only action='append' options (TakeAll with one value each) accumulate.
    bool appends = o.kind == Kind::value && o.option->get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll;
    if (!appends) {
      drop_tokens_of(name);
    }
    for (const auto& v : values) {
      std::string value = v;
      if (o.is_int) {
        auto parsed = python_int(v);
        if (!parsed) {
          fail("argument " + o.display() + ": invalid int value: '" + v + "'");
        }
        value = std::to_string(*parsed);
      }
      if (value.empty()) {
        // argparse takes "--opt=" and "--opt ''" as an empty value; CLI11 reads "--opt=" as
        // a missing one, but takes an empty token that follows the option.
        m_tokens.push_back(name);
        m_tokens.push_back(value);
      } else {
        m_tokens.push_back(name + "=" + value);
      }
    }
  }

  // Removes the tokens an earlier occurrence of option `name` left: "name=value", or "name"
  // followed by its empty value.
  void drop_tokens_of(const std::string& name) {
    std::vector<std::string> kept;
    for (size_t k = 0; k < m_tokens.size(); ++k) {
      if (m_tokens[k] == name) {
        ++k; // its empty value
        continue;
      }
      if (m_tokens[k].starts_with(name + "=")) {
        continue;
      }
      kept.push_back(m_tokens[k]);
    }
    m_tokens = std::move(kept);
  }

  size_t consume_optional(size_t i, ParseOutcome& outcome) {
    const auto& args = *m_args;
    Match m = match_option(args[i]);
    if (!m.spec) {
      m_extras.push_back(args[i]);
      return i + 1;
    }
    while (true) {
      const OptSpec& o = *m.spec;
      if (o.kind == Kind::help) {
        outcome.kind = ParseOutcome::Kind::help;
        return m_end;
      }
      if (o.kind == Kind::version) {
        outcome.kind = ParseOutcome::Kind::version;
        return m_end;
      }
      if (m.explicit_arg) {
        bool takes_value = o.kind == Kind::value || o.kind == Kind::star;
        if (!takes_value && m.option_string.size() == 2 && m.option_string[1] != '-' && !m.explicit_arg->empty()) {
          // A cluster of short flags: -vq is -v -q.
          record(o, {});
          std::string next = std::string("-") + m.explicit_arg->front();
          std::string rest = m.explicit_arg->substr(1);
          const OptSpec* next_spec = find_exact(next);
          if (!next_spec) {
            fail("argument " + o.display() + ": ignored explicit argument '" + *m.explicit_arg + "'");
          }
          m = {next_spec, next, rest.empty() ? std::nullopt : std::optional<std::string>(rest)};
          continue;
        }
        if (takes_value) {
          record(o, {*m.explicit_arg});
          return i + 1;
        }
        fail("argument " + o.display() + ": ignored explicit argument '" + *m.explicit_arg + "'");
      }
      size_t next = i + 1;
      if (o.kind == Kind::flag) {
        record(o, {});
        return next;
      }
      std::vector<std::string> values;
      while (next < m_end && (*m_args)[next] != "--" && !is_option_like((*m_args)[next])) {
        values.push_back((*m_args)[next]);
        ++next;
        if (o.kind == Kind::value) {
          break;
        }
      }
      if (o.kind == Kind::value && values.empty()) {
        fail("argument " + o.display() + ": expected one argument");
      }
      record(o, values);
      return next;
    }
  }

  AppSpec m_spec;
  std::vector<std::string>& m_extras;
  const std::vector<std::string>* m_args = nullptr;
  size_t m_end = 0;
  std::vector<std::string> m_tokens;
  std::vector<std::string> m_positional_values;
  std::vector<const OptSpec*> m_seen;
  CLI::App* m_subcommand = nullptr;
};

std::string help_text(CLI::App& app, const std::string& prog) {
  std::string body = app.help();
  // Replace CLI11's own usage paragraph with argparse's usage line.
  auto blank = body.find("\n\n");
  std::string rest = blank == std::string::npos ? "" : body.substr(blank + 2);
  std::string description = app.get_description();
  AppSpec spec = spec_for(&app, prog, "");
  return usage_for(spec) + "\n" + (description.empty() ? "" : description + "\n\n") + rest;
}

} // namespace

std::string argparse_usage(CLI::App& app, const std::string& prog) { return usage_for(spec_for(&app, prog, "command")); }

ParseOutcome parse_like_argparse(CLI::App& app, const std::string& prog, const std::vector<std::string>& args,
                                 DeferredOptions* deferred) {
  ParseOutcome outcome;
  std::vector<std::string> extras;
  std::vector<LevelParser> levels;
  levels.emplace_back(spec_for(&app, prog, "command"), extras);
  size_t begin = 0;
  while (true) {
    LevelParser& level = levels.back();
    size_t stop = level.run(args, begin, args.size(), outcome);
    if (outcome.kind != ParseOutcome::Kind::parsed) {
      CLI::App* target = level.spec().app;
      if (outcome.kind == ParseOutcome::Kind::help) {
        outcome.text = help_text(*target, level.spec().prog);
      } else {
        outcome.text = std::string(ansible_runner::version()) + "\n";
      }
      return outcome;
    }
    CLI::App* sub = level.subcommand();
    if (!sub) {
      break;
    }
    outcome.chain.push_back(sub);
    if (deferred) {
      deferred->declare_for(*sub);
    }
    std::string sub_prog = level.spec().prog + " " + sub->get_name();
    levels.emplace_back(spec_for(sub, sub_prog, sub->get_name() + "_subcommand"), extras);
    begin = stop + 1;
  }
  // argparse order: the innermost parser's required check, then outwards, then extras.
  for (auto it = levels.rbegin(); it != levels.rend(); ++it) {
    it->check_required();
  }
  if (outcome.chain.empty()) {
    UsageError error{usage_for(levels.front().spec()), prog, "the following arguments are required: command", true};
    throw error;
  }
  if (!extras.empty()) {
    std::string joined;
    for (const auto& e : extras) {
      joined += (joined.empty() ? "" : " ") + e;
    }
    throw UsageError{usage_for(levels.front().spec()), prog, "unrecognized arguments: " + joined};
  }

  // Hand the unambiguous tokens to CLI11 (it wants them in reverse order).
  std::vector<std::string> tokens;
  for (size_t k = 0; k < levels.size(); ++k) {
    if (k > 0) {
      tokens.push_back(outcome.chain[k - 1]->get_name());
    }
    tokens.insert(tokens.end(), levels[k].tokens().begin(), levels[k].tokens().end());
  }
  for (auto& level : levels) {
    for (auto* p : level.spec().positionals) {
      p->required(false);
    }
  }
  std::reverse(tokens.begin(), tokens.end());
  try {
    app.parse(tokens);
  } catch (const CLI::ParseError& e) {
    throw UsageError{usage_for(levels.back().spec()), levels.back().spec().prog, e.what()};
  }
  for (auto& level : levels) {
    const auto& values = level.positional_values();
    for (size_t k = 0; k < values.size(); ++k) {
      CLI::Option* p = level.spec().positionals[k];
      p->add_result(values[k]);
      p->run_callback();
    }
  }
  return outcome;
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
