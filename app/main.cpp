#include <iostream>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/service_signals.hpp"
#include "gateway/core/config/config.hpp"
#include "gateway/core/runtime/args.hpp"

namespace {

void print_help() {
  std::cout << "lienthong " LIENTHONG_VERSION
               " — integration gateway for provincial e-government\n\n"
               "usage: lienthong COMMAND [options]\n\ncommands:\n";
  for (auto& c : lienthong::app::commands()) std::cout << "  " << c.name << "\t" << c.summary << "\n";
  std::cout
      << "\nEach command accepts --help, generated from its options. Most take --config FILE (default:\n"
         "$LIENTHONG_CONFIG or ./lienthong.json). Every listing (list, show, counts, kpi, ...) takes\n"
         "--format table|csv|json (--json and --csv are the same as --format json and --format csv).\n"
         "Exit codes: 0 done; 1 the operation ran and failed; 2 wrong command line; 3 invalid\n"
         "configuration; 70 internal error (a bug).\n";
}

}  // namespace

int main(int argc, char** argv) {
  lienthong::app::install_terminate_handler();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_help();
    return args.empty() ? lienthong::app::kExitUsage : 0;
  }
  if (args[0] == "--version" || args[0] == "version") {
    std::cout << "lienthong " LIENTHONG_VERSION " (memory allocator: " LIENTHONG_ALLOCATOR ")\n";
    return 0;
  }
  for (auto& c : lienthong::app::commands()) {
    if (c.name != args[0]) continue;
    try {
      return c.run(std::vector<std::string>(args.begin() + 1, args.end()));
    } catch (const lienthong::app::UsageError& e) {
      std::cerr << "lienthong " << c.name << ": " << e.what() << " (see lienthong " << c.name << " --help)\n";
      return lienthong::app::kExitUsage;
    } catch (const lienthong::ConfigError& e) {
      std::cerr << "lienthong: invalid configuration: " << e.what() << "\n";
      return lienthong::app::kExitConfig;
    } catch (const std::exception& e) {
      std::cerr << "lienthong " << c.name << ": internal error: " << e.what() << "\n";
      return lienthong::app::kExitInternal;
    }
  }
  std::cerr << "lienthong: unknown command '" << args[0] << "' (see lienthong --help)\n";
  return lienthong::app::kExitUsage;
}
