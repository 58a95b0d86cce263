#include "app/cli.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <set>

namespace lienthong::app::cli {

namespace {

// app/commands.hpp's exit codes, as every command's help states them.
constexpr const char* kExitCodes =
    "Exit codes: 0 done; 1 the operation ran and failed; 2 wrong command line; 3 invalid configuration;\n"
    "70 internal error (a bug).";

struct Bound {
  std::string name;
  bool flag = false;
  CLI::Option* option = nullptr;
};

struct BuiltSubcommand {
  const SubcommandSpec* spec = nullptr;
  CLI::App* app = nullptr;
  std::vector<Bound> options;
  std::vector<Bound> positionals;
};

struct Built {
  CLI::App app;
  std::vector<BuiltSubcommand> subcommands;  // one, unnamed, when the command has none
};

bool declares(const SubcommandSpec& s, const std::string& name) {
  return std::any_of(s.options.begin(), s.options.end(), [&](const OptionSpec& o) { return o.name == name; });
}

std::vector<OptionSpec> listing_options(const SubcommandSpec& s) {
  std::vector<OptionSpec> v = {{"format", "table|csv|json", "output format (default: table)"},
                               {"json", "", "same as --format json"}};
  // `reconcile refunds --csv FILE` had --csv before --format: it keeps its meaning there.
  if (!declares(s, "csv")) v.push_back({"csv", "", "same as --format csv"});
  return v;
}

void add_options(CLI::App& app, const std::vector<OptionSpec>& options, std::vector<Bound>& out) {
  for (auto& o : options) {
    if (o.value_name.empty()) {
      out.push_back({o.name, true, app.add_flag("--" + o.name, o.help)});
    } else {
      CLI::Option* opt = app.add_option("--" + o.name, o.help);
      opt->type_name(o.value_name);
      if (o.name == "format" && o.value_name == "table|csv|json") {
        CLI::Validator one_of = CLI::IsMember({"table", "csv", "json"});
        one_of.description("");  // the value name says it already
        opt->check(one_of);
      }
      out.push_back({o.name, false, opt});
    }
  }
}

void build_subcommand(CLI::App& app, const CommandSpec& spec, const SubcommandSpec& sub, BuiltSubcommand& b) {
  b.spec = &sub;
  b.app = &app;
  for (auto& p : sub.positionals) {
    CLI::Option* opt = app.add_option(p.name, p.help);
    if (p.required) opt->required();
    b.positionals.push_back({p.name, false, opt});
  }
  add_options(app, sub.options, b.options);
  add_options(app, spec.common, b.options);
  if (sub.listing) add_options(app, listing_options(sub), b.options);
}

std::unique_ptr<Built> build(const CommandSpec& spec) {
  auto b = std::make_unique<Built>();
  CLI::App& app = b->app;
  app.name("lienthong " + spec.name);
  app.description(spec.help);
  // As before CLI11: the last of a repeated option counts.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.set_help_flag("-h,--help", "print this help and exit");
  app.get_formatter()->column_width(32);
  app.footer((spec.footer.empty() ? "" : spec.footer + "\n") + kExitCodes);
  if (spec.subcommands.empty()) {
    b->subcommands.resize(1);
    build_subcommand(app, spec, spec.main, b->subcommands[0]);
    return b;
  }
  b->subcommands.resize(spec.subcommands.size());
  for (size_t i = 0; i < spec.subcommands.size(); ++i) {
    const SubcommandSpec& s = spec.subcommands[i];
    CLI::App* sub = app.add_subcommand(s.name, s.help);
    sub->footer(kExitCodes);
    build_subcommand(*sub, spec, s, b->subcommands[i]);
  }
  return b;
}

std::string full_help(CLI::App& app) {
  return app.help("", CLI::AppFormatMode::All);
}

// The options that take a value, so that a value is not mistaken for the subcommand.
std::set<std::string> value_options(const CommandSpec& spec) {
  std::set<std::string> names = {"--format"};
  auto add = [&](const std::vector<OptionSpec>& v) {
    for (auto& o : v)
      if (!o.value_name.empty()) names.insert("--" + o.name);
  };
  add(spec.common);
  for (auto& s : spec.subcommands) add(s.options);
  return names;
}

std::string subcommand_names(const CommandSpec& spec) {
  std::string names;
  for (auto& s : spec.subcommands) names += (names.empty() ? "" : ", ") + s.name;
  return names;
}

// Before the subcommand, an option no subcommand declares is named as the wrong one.
void refuse_unknown_options(const CommandSpec& spec, const std::vector<std::string>& argv) {
  std::set<std::string> known = {"--format", "--json", "--csv"};
  auto add = [&](const std::vector<OptionSpec>& v) {
    for (auto& o : v) known.insert("--" + o.name);
  };
  add(spec.common);
  for (auto& s : spec.subcommands) add(s.options);
  for (auto& a : argv) {
    if (a.size() < 2 || a[0] != '-') continue;
    std::string name = a.substr(0, a.find('='));
    if (!known.count(name)) throw UsageError("unknown option " + name);
  }
}

// Where the subcommand is in argv (options may come before it, as they always could),
// or argv.size() when none is given.
size_t find_subcommand(const CommandSpec& spec, const std::vector<std::string>& argv) {
  const auto takes_value = value_options(spec);
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--") return argv.size();
    if (a.size() > 1 && a[0] == '-') {
      if (takes_value.count(a)) ++i;
      continue;
    }
    for (auto& s : spec.subcommands)
      if (s.name == a) return i;
    throw UsageError("unknown subcommand '" + a + "' (" + subcommand_names(spec) + ")");
  }
  return argv.size();
}

bool asks_help(const std::vector<std::string>& argv) {
  return std::find(argv.begin(), argv.end(), "--help") != argv.end() ||
         std::find(argv.begin(), argv.end(), "-h") != argv.end();
}

Args collect(const BuiltSubcommand& b) {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;
  std::set<std::string> flags;
  if (!b.spec->name.empty()) positional.push_back(b.spec->name);
  for (auto& p : b.positionals) {
    if (p.option->count() == 0) break;
    positional.push_back(p.option->results().back());
  }
  for (auto& o : b.options) {
    if (o.option->count() == 0) continue;
    if (o.flag)
      flags.insert(o.name);
    else
      options[o.name] = o.option->results().back();
  }
  if (b.spec->listing) {
    std::string format = options.count("format") ? options["format"] : "";
    for (const char* alias : {"json", "csv"}) {
      if (!flags.count(alias) || (std::string(alias) == "csv" && declares(*b.spec, "csv"))) continue;
      if (!format.empty() && format != alias)
        throw UsageError("--" + std::string(alias) + " contradicts --format " + format);
      format = alias;
    }
    if (!format.empty()) {
      options["format"] = format;
      if (format != "table") flags.insert(format);
    }
  }
  return Args(std::move(positional), std::move(options), std::move(flags));
}

}  // namespace

OptionSpec config_option() {
  return {"config", "FILE", "configuration file (default: $LIENTHONG_CONFIG or ./lienthong.json)"};
}

std::string help(const CommandSpec& spec) {
  auto b = build(spec);
  return full_help(b->app);
}

std::variant<Args, int> parse(const CommandSpec& spec, const std::vector<std::string>& argv) {
  auto b = build(spec);
  std::vector<std::string> args = argv;
  size_t selected = 0;
  if (!spec.subcommands.empty()) {
    size_t at = find_subcommand(spec, args);
    if (at == args.size()) {
      if (args.empty() || asks_help(args)) {
        std::cout << full_help(b->app);
        return args.empty() ? 2 : 0;
      }
      refuse_unknown_options(spec, args);
      throw UsageError("missing subcommand (" + subcommand_names(spec) + ")");
    }
    selected = static_cast<size_t>(std::find_if(spec.subcommands.begin(), spec.subcommands.end(),
                                                [&](const SubcommandSpec& s) { return s.name == args[at]; }) -
                                   spec.subcommands.begin());
    std::rotate(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(at),
                args.begin() + static_cast<std::ptrdiff_t>(at) + 1);
  } else if (asks_help(args)) {
    std::cout << full_help(b->app);
    return 0;
  }
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
  try {
    b->app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    std::cout << (spec.subcommands.empty() ? full_help(b->app)
                                           : b->subcommands[selected].app->help(b->app.get_name()));
    return 0;
  } catch (const CLI::ExtrasError& e) {
    std::string what = e.what();
    auto colon = what.find(": ");
    throw UsageError("unknown option or argument: " +
                     (colon == std::string::npos ? what : what.substr(colon + 2)));
  } catch (const CLI::ParseError& e) {
    throw UsageError(e.what());
  }
  return collect(b->subcommands[selected]);
}

std::string format_of(const Args& args) {
  return args.option_or("format", "table");
}

}  // namespace lienthong::app::cli
