#include <iostream>

#include "app/cli.hpp"
#include "app/commands.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/runtime/args.hpp"
#include "gateway/core/runtime/runtime.hpp"

namespace lienthong::app {

int run_config(const std::vector<std::string>& argv) {
  static const cli::CommandSpec spec{
      "config",
      "Validates a configuration file without starting anything.",
      "Exit code 3: FILE is invalid.",
      {},
      {},
      {{"check",
        "checks FILE as `serve` does before it listens, without opening ports or the store: every section "
        "validated, secrets resolved, the store's and the log's folders writable, the TLS certificate and "
        "key loaded, every component built (mapping files, code tables, calendars, procedure catalogue "
        "opened and parsed). Lists every problem found, each with its key path",
        {{"FILE", "the configuration file"}},
        {{"json", "", "print {\"valid\":..,\"errors\":[..]}"}}}}};
  auto parsed = cli::parse(spec, argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
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
