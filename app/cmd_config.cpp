#include <iostream>

#include "app/commands.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/runtime/args.hpp"
#include "gateway/core/runtime/runtime.hpp"

namespace lienthong::app {

int run_config(const std::vector<std::string>& argv) {
  Args args = Args::parse(argv, {"help", "json"});
  if (args.flag("help") || args.positional().empty()) {
    std::cout << "usage: lienthong config check FILE [--json]\n"
                 "Validates every section of FILE as `serve` would, without opening ports or the store.\n";
    return args.flag("help") ? 0 : kExitUsage;
  }
  args.allow_only({"help", "json"});
  if (args.positional_at(0, "subcommand") != "check")
    throw UsageError("unknown subcommand " + args.positional()[0]);
  std::string file = args.positional_at(1, "FILE");
  try {
    check_config(file);
  } catch (const ConfigError& e) {
    if (args.flag("json")) {
      std::cout << "{\"file\":\"" << file << "\",\"valid\":false,\"error\":\"" << log::json_escape(e.what())
                << "\"}\n";
    } else {
      std::cerr << file << ": invalid: " << e.what() << "\n";
    }
    return kExitConfig;
  }
  if (args.flag("json")) {
    std::cout << "{\"file\":\"" << file << "\",\"valid\":true}\n";
  } else {
    std::cout << file << ": valid\n";
  }
  return kExitOk;
}

}  // namespace lienthong::app
