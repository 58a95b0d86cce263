// lienthong-sim: simulators of the upstream systems, for tests, the demo and benchmarks.
// One table: adding a simulator is one line here and one in sim/CMakeLists.txt.
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace lienthong::sim {
int run_recon_data(const std::vector<std::string>& args);
int run_payment_platform_sim(const std::vector<std::string>& args);
}  // namespace lienthong::sim

namespace {

struct Simulator {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>& args);
};

const Simulator kSimulators[] = {
    {"recon-data",
     "reconciliation inputs (payments, bank, treasury, obligations) with injected discrepancies",
     lienthong::sim::run_recon_data},
    {"payment-platform", "portal payment platform: transaction list API, paged, with faults",
     lienthong::sim::run_payment_platform_sim},
};

void usage(std::ostream& os) {
  os << "usage: lienthong-sim SIMULATOR [options]\n\nsimulators:\n";
  for (const auto& s : kSimulators) os << "  " << s.name << "\t" << s.summary << "\n";
  os << "\nlienthong-sim SIMULATOR --help lists its options.\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    usage(args.empty() ? std::cerr : std::cout);
    return args.empty() ? 2 : 0;
  }
  for (const auto& s : kSimulators) {
    if (args[0] != s.name) continue;
    try {
      return s.run(std::vector<std::string>(args.begin() + 1, args.end()));
    } catch (const std::invalid_argument& e) {
      std::cerr << "lienthong-sim " << s.name << ": " << e.what() << "\n";
      return 2;
    } catch (const std::exception& e) {
      std::cerr << "lienthong-sim " << s.name << ": " << e.what() << "\n";
      return 1;
    }
  }
  std::cerr << "lienthong-sim: unknown simulator '" << args[0] << "'\n";
  usage(std::cerr);
  return 2;
}
