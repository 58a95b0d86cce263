// The simulators' command lines, declared once: each simulator lists its options (name,
// value, one-line help) and CLI11 (included only by sim_cli.cpp) parses them and generates
// `lienthong-sim NAME --help`. The values come back as SimArgs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/common/sim_args.hpp"

namespace lienthong::sim {

struct SimOption {
  std::string name;        // without the dashes
  std::string value_name;  // "URL", "N"; empty: a flag that takes no value
  std::string help;
};

struct SimSpec {
  std::string name;  // "handover"
  std::string help;  // what it does
  std::string footer;
  std::vector<SimOption> options;
  bool faults = false;  // accepts the fault-injection options (SimArgs::faults reads them)
};

// The options given, as SimArgs (a flag's value is "1"); nullopt once --help was printed on
// stdout. Throws std::invalid_argument naming the option on a wrong command line.
std::optional<SimArgs> parse_sim_args(const SimSpec& spec, const std::vector<std::string>& argv);

// The generated help.
std::string sim_help(const SimSpec& spec);

}  // namespace lienthong::sim
