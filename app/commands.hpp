// The lienthong CLI: one table of subcommands (commands.cpp), each implemented in its
// own app/cmd_*.cpp. Adding a command is one line in the table.
#pragma once

#include <string>
#include <vector>

namespace lienthong::app {

struct Command {
  std::string name;                                  // "sync", "outbox", "config", ...
  std::string summary;                               // one line for --help
  int (*run)(const std::vector<std::string>& args);  // args after the command name
};

const std::vector<Command>& commands();

// Exit codes shared by all commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;    // the operation ran and failed
inline constexpr int kExitUsage = 2;      // wrong command line
inline constexpr int kExitConfig = 3;     // invalid configuration
inline constexpr int kExitInternal = 70;  // an unexpected error (a bug): sysexits' EX_SOFTWARE

}  // namespace lienthong::app
