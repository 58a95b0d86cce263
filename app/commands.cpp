#include "app/commands.hpp"

namespace lienthong::app {

// Each command lives in app/cmd_<name>.cpp.
int run_config(const std::vector<std::string>& args);
int run_sync(const std::vector<std::string>& args);
int run_serve(const std::vector<std::string>& args);
int run_quarantine(const std::vector<std::string>& args);
int run_outbox(const std::vector<std::string>& args);
int run_codes(const std::vector<std::string>& args);
int run_reconcile(const std::vector<std::string>& args);

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"config", "config check FILE: validate a configuration file without starting anything", run_config},
      {"serve", "serve: run the gateway daemon (HTTP endpoints, scheduled sync, outbox workers)", run_serve},
      {"sync", "sync [--json]: one synchronisation run now, then print the summary", run_sync},
      {"quarantine", "quarantine list|show|release|count: held-back records and why", run_quarantine},
      {"outbox", "outbox list|show|replay|discard|counts: inspect and replay outbound messages", run_outbox},
      {"codes", "codes lookup|translate|diff: effective-dated unit and agency code tables", run_codes},
      {"reconcile", "reconcile --from DATE --to DATE --bank F --treasury F ...: one treasury reconciliation", run_reconcile},
  };
  return table;
}

}  // namespace lienthong::app
