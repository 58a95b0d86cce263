// lienthong-sim: simulators of the systems around the gateway, one subcommand each.
// Adding a simulator is one line in the table.
#include <iostream>
#include <string>
#include <vector>

namespace lienthong::sim {
int run_ministry_sim(const std::vector<std::string>& args);
}

namespace {

struct Simulator {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>& args);
};

const std::vector<Simulator>& simulators() {
  static const std::vector<Simulator> table = {
      {"ministry", "push signed status webhooks as a ministry system (good and bad ones)",
       lienthong::sim::run_ministry_sim},
  };
  return table;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << "usage: lienthong-sim SIMULATOR [options]\n\nsimulators:\n";
    for (auto& s : simulators()) std::cout << "  " << s.name << "\t" << s.summary << "\n";
    return args.empty() ? 2 : 0;
  }
  for (auto& s : simulators()) {
    if (args[0] == s.name) return s.run(std::vector<std::string>(args.begin() + 1, args.end()));
  }
  std::cerr << "lienthong-sim: unknown simulator '" << args[0] << "' (see lienthong-sim --help)\n";
  return 2;
}
