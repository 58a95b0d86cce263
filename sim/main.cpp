// lienthong-sim: simulators of the upstream systems, for tests, the demo and benchmarks.
// One table: adding a simulator is one line here and one in sim/CMakeLists.txt.
// Each simulator prints its bound port(s) as one JSON line on stdout when ready and runs
// until SIGINT/SIGTERM.
#include <csignal>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace lienthong::sim {
int run_one_stop_shop_sim(const std::vector<std::string>& args);
int run_token_sim(const std::vector<std::string>& args);
int run_dvcqg_sim(const std::vector<std::string>& args);
int run_all_sims(const std::vector<std::string>& args);
int run_ministry_sim(const std::vector<std::string>& args);
int run_recon_data(const std::vector<std::string>& args);
int run_payment_platform_sim(const std::vector<std::string>& args);
int run_treasury_sim(const std::vector<std::string>& args);
int run_tax_push_sim(const std::vector<std::string>& args);
int run_handover_sim(const std::vector<std::string>& args);
int run_lltp_sim(const std::vector<std::string>& args);
}  // namespace lienthong::sim
namespace lienthong::sim::population {
int run_population_sim(const std::vector<std::string>& args);
}

namespace {

struct Simulator {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>& args);
};

const Simulator kSimulators[] = {
    {"one-stop-shop", "provincial one-stop-shop API behind an LGSP token endpoint",
     lienthong::sim::run_one_stop_shop_sim},
    {"token", "NGSP/LGSP OAuth2 client-credentials token endpoint", lienthong::sim::run_token_sim},
    {"dvcqg", "National Public Service Portal dossier synchronisation API", lienthong::sim::run_dvcqg_sim},
    {"all", "one-stop-shop + token + dvcqg in one process", lienthong::sim::run_all_sims},
    {"population", "population database (CSDLQG về dân cư) citizen lookup",
     lienthong::sim::population::run_population_sim},
    {"ministry", "push signed status webhooks to the gateway as a ministry system",
     lienthong::sim::run_ministry_sim},
    {"recon-data", "reconciliation inputs with injected discrepancies", lienthong::sim::run_recon_data},
    {"payment-platform", "portal payment platform: signed callbacks, QUERY and GET_BILL",
     lienthong::sim::run_payment_platform_sim},
    {"treasury", "State Treasury (KBNN) credit records: paged XML API", lienthong::sim::run_treasury_sim},
    {"tax-push", "push land-tax notices and vouchers to the gateway as DVCQG",
     lienthong::sim::run_tax_push_sim},
    {"handover", "hand dossiers (with base64 files) over to the gateway as DVCQG",
     lienthong::sim::run_handover_sim},
    {"lltp", "file criminal-record requests (LayMaHoSo, then TaoHoSo) as the national citizen app",
     lienthong::sim::run_lltp_sim},
};

void usage(std::ostream& os) {
  os << "usage: lienthong-sim SIMULATOR [--port 0] [--seed N] [fault options] [options]\n\nsimulators:\n";
  for (const auto& s : kSimulators) os << "  " << s.name << "\t" << s.summary << "\n";
  os << "\nlienthong-sim SIMULATOR --help lists its options.\n";
}

}  // namespace

int main(int argc, char** argv) {
  // Shutdown signals are taken with sigwait(); block them before any thread starts.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

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
