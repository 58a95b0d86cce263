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
                 "Checks FILE as `serve` does before it listens, without opening ports or the store:\n"
                 "every section validated, secrets resolved, the store's and the log's folders\n"
                 "writable, the TLS certificate and key loaded, every component built (mapping\n"
                 "files, code tables, calendars, procedure catalogue opened and parsed). Lists every\n"
                 "problem found, each with its key path; --json prints {\"valid\":..,\"errors\":[..]}.\n";
    return args.flag("help") ? 0 : kExitUsage;
  }
  args.allow_only({"help", "json"});
  if (args.positional_at(0, "subcommand") != "check")
    throw UsageError("unknown subcommand " + args.positional()[0]);
  std::string file = args.positional_at(1, "FILE");
  ConfigProblems found = find_config_problems(file, true);
  const auto& problems = found.problems;
  if (args.flag("json")) {
    std::cout << "{\"file\":\"" << log::json_escape(file)
              << "\",\"valid\":" << (problems.empty() ? "true" : "false");
    if (!problems.empty()) {
      // "error": the first, as before "errors" existed.
      std::cout << ",\"error\":\"" << log::json_escape(problems[0]) << "\",\"errors\":[";
      for (size_t i = 0; i < problems.size(); ++i)
        std::cout << (i ? "," : "") << "\"" << log::json_escape(problems[i]) << "\"";
      std::cout << "]";
    }
    std::cout << "}\n";
  } else if (problems.empty()) {
    std::cout << file << ": valid\n";
  } else {
    for (auto& p : problems) std::cerr << file << ": invalid: " << p << "\n";
  }
  return problems.empty() ? kExitOk : kExitConfig;
}

}  // namespace lienthong::app
