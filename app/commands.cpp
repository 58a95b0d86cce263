#include "app/commands.hpp"

namespace lienthong::app {

// Each command lives in app/cmd_<name>.cpp.
int run_config(const std::vector<std::string>& args);
int run_outbox(const std::vector<std::string>& args);
int run_codes(const std::vector<std::string>& args);
int run_reconcile(const std::vector<std::string>& args);

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"config", "config check FILE: validate a configuration file without starting anything", run_config},
      {"outbox", "outbox list|show|replay|discard|counts: inspect and replay outbound messages", run_outbox},
      {"codes", "codes lookup|translate|diff: effective-dated unit and agency code tables", run_codes},
      {"reconcile", "reconcile --from DATE --to DATE --bank F --treasury F ...: one treasury reconciliation", run_reconcile},
  };
  return table;
}

}  // namespace lienthong::app
