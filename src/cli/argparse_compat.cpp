#include "cli/argparse_compat.hpp"
#include "cli/argparse_spec.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <set>

#include <ansible_runner/runner.hpp>

namespace ansible_runner::cli {

using argparse::AppSpec;
using argparse::help_text;
using argparse::Kind;
using argparse::OptSpec;
using argparse::spec_for;
using argparse::usage_for;

namespace {

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

} // namespace

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

} // namespace ansible_runner::cli
