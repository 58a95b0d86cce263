#include "app/commands.hpp"

namespace lienthong::app {

// Each command lives in app/cmd_<name>.cpp.
int run_config(const std::vector<std::string>& args);
int run_sync(const std::vector<std::string>& args);
int run_serve(const std::vector<std::string>& args);
int run_quarantine(const std::vector<std::string>& args);
int run_outbox(const std::vector<std::string>& args);
int run_codes(const std::vector<std::string>& args);
int run_audit(const std::vector<std::string>& args);
int run_calendar(const std::vector<std::string>& args);
int run_kpi(const std::vector<std::string>& args);
int run_late(const std::vector<std::string>& args);
int run_monitor(const std::vector<std::string>& args);
int run_reconcile(const std::vector<std::string>& args);
int run_payment(const std::vector<std::string>& args);
int run_store(const std::vector<std::string>& args);
int run_console(const std::vector<std::string>& args);
int run_handovers(const std::vector<std::string>& args);

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"config", "config check FILE: validate a configuration file without starting anything", run_config},
      {"serve", "serve: run the gateway daemon (HTTP endpoints, scheduled sync, outbox workers)", run_serve},
      {"sync", "sync: one synchronisation run now, then print the summary", run_sync},
      {"quarantine", "quarantine list|show|release|retry|count: held-back records and why", run_quarantine},
      {"outbox", "outbox list|show|replay|discard|counts|prune: inspect and replay outbound messages",
       run_outbox},
      {"codes", "codes lookup|translate|diff: effective-dated unit and agency code tables", run_codes},
      {"audit", "audit verify|export: check the citizen lookup audit chain, export it for an inspector",
       run_audit},
      {"calendar",
       "calendar due|holidays|lunar|check: working days, deadlines and Vietnamese holidays by hand",
       run_calendar},
      {"kpi", "kpi --period P [--by ...]: the province's indicators (a, b, ratio) as table, CSV or JSON",
       run_kpi},
      {"late", "late list|explain|export: late dossiers and the register of explanations and apologies",
       run_late},
      {"monitor",
       "monitor ack|deadlines|due: unacknowledged online dossiers, dossiers at risk or overdue, due-date "
       "mismatches",
       run_monitor},
      {"reconcile",
       "reconcile --from DATE --to DATE --bank F --treasury F ...: one treasury reconciliation; "
       "reconcile refunds: the refunds still outstanding",
       run_reconcile},
      {"payment",
       "payment receipt --ref R --transaction G: a paid transaction's receipt from the platform (GET_BILL)",
       run_payment},
      {"store", "store status|migrate|backup DEST|check: the store's schema, size, backups and integrity",
       run_store},
      {"console", "console hash-password: the Argon2id hash of an operator's password (stdin)", run_console},
      {"handovers",
       "handovers list|show CODE|file SHA256 --out F: dossiers handed over by DVCQG and their files",
       run_handovers},
  };
  return table;
}

}  // namespace lienthong::app
