// One command-line style for every `lienthong` command: each command declares its
// subcommands, positionals and options as data (a `CommandSpec`); CLI11 (libcli11-dev,
// included only by cli.cpp) parses them and generates the help, which always lists the
// exit codes. A listing subcommand gets `--format table|csv|json`, with `--json` and
// `--csv` as aliases kept for existing scripts.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "gateway/core/runtime/args.hpp"

namespace lienthong::app::cli {

struct OptionSpec {
  std::string name;        // without the dashes: "state" is --state
  std::string value_name;  // "STATE"; empty: a flag that takes no value
  std::string help;
};

struct PositionalSpec {
  std::string name;  // "ID", "FILE"
  std::string help;
  bool required = true;
};

struct SubcommandSpec {
  std::string name;  // empty for a command without subcommands
  std::string help;
  std::vector<PositionalSpec> positionals;
  std::vector<OptionSpec> options;
  bool listing = false;  // adds --format table|csv|json (and the --json / --csv aliases)
};

struct CommandSpec {
  std::string name;                // "outbox"
  std::string help;                // what the command does, shown first
  std::string footer;              // notes after the options, before the exit codes
  std::vector<OptionSpec> common;  // accepted by every subcommand (e.g. --config)
  SubcommandSpec main;             // positionals and options when there are no subcommands
  std::vector<SubcommandSpec> subcommands;
};

// The option every command that opens a configuration takes.
OptionSpec config_option();

// Parses `argv` (what follows the command name). Returns the arguments as `Args` — the
// subcommand's name first among the positionals, then its positionals; a listing
// subcommand's format as option "format" and flag "json" or "csv" when one was asked
// for — or, when help was printed, the exit code to return (0 for --help; 2 when a
// subcommand is missing). Wrong usage throws UsageError naming the option or argument.
std::variant<Args, int> parse(const CommandSpec& spec, const std::vector<std::string>& argv);

// The generated help of a command (all its subcommands), as --help prints it.
std::string help(const CommandSpec& spec);

// The output format a listing subcommand was asked for: "table" (the default), "csv", "json".
std::string format_of(const Args& args);

}  // namespace lienthong::app::cli
