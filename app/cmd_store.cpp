// `lienthong store status|migrate|backup DEST|check`: the store's administration. Only
// `migrate` creates or changes a schema; the others need an existing store.
#include <filesystem>
#include <iostream>

#include "app/cli.hpp"
#include "app/commands.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/runtime/args.hpp"
#include "gateway/core/runtime/runtime.hpp"
#include "gateway/core/store/admin.hpp"
#include "gateway/core/store/schema.hpp"

namespace lienthong::app {

namespace {

const cli::CommandSpec& spec() {
  static const cli::CommandSpec s{
      "store",
      "The store's schema, size, backups and integrity.",
      "",
      {cli::config_option()},
      {},
      {{"status",
        "backend, schema version per module (applied / this binary's), size and WAL size, pending "
        "outbox messages and the oldest of them",
        {},
        {{"json", "", "print it as one JSON object"}}},
       {"migrate",
        "applies this binary's pending migrations (creates the store if missing); the step to run after "
        "an upgrade when store.migrate is \"manual\"",
        {},
        {}},
       {"backup",
        "SQLite: a consistent copy into the new file DEST while serve keeps running (online backup API). "
        "PostgreSQL: prints the pg_dump command to use",
        {{"DEST", "the new file"}},
        {}},
       {"check",
        "SQLite: PRAGMA integrity_check; PostgreSQL: the schema and a query of every table",
        {},
        {}}}};
  return s;
}

ConfigNode store_section(const ConfigFile& cfg, std::shared_ptr<ConfigFile>& empty) {
  ConfigNode root = cfg.root();
  if (auto s = root.optional_object("store")) return *s;
  empty = ConfigFile::from_string("{}", ".");
  return empty->root();
}

int64_t file_size_or_zero(const std::string& path) {
  std::error_code ec;
  auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<int64_t>(n);
}

int cmd_status(const Args& args) {
  Runtime rt = open_runtime(config_path(args), StoreAccess::kExisting);
  std::shared_ptr<ConfigFile> empty;
  ConfigNode section = store_section(*rt.config, empty);
  auto schema = store::schema_status(*rt.db, all_migrations());
  if (!schema.ok()) throw ConfigError("cannot read the schema: " + schema.error().message);
  std::string path = store::sqlite_path(section);
  int64_t db_bytes = path.empty() ? rt.db->size_bytes() : file_size_or_zero(path);
  int64_t wal_bytes = path.empty() ? -1 : file_size_or_zero(path + "-wal");
  auto pending = rt.db->query("SELECT count(*), min(created_at_ms) FROM outbox WHERE state = 'pending'");
  if (!pending.ok()) throw ConfigError("cannot read the outbox: " + pending.error().message);
  int64_t n_pending = (*pending)[0].i64(0);
  int64_t oldest = (*pending)[0].is_null(1) ? 0 : (*pending)[0].i64(1);
  if (args.flag("json")) {
    std::cout << "{\"backend\":\"" << rt.db->backend() << "\",\"path\":\"" << log::json_escape(path)
              << "\",\"size_bytes\":" << db_bytes << ",\"wal_bytes\":" << wal_bytes << ",\"schema\":[";
    bool first = true;
    for (auto& m : *schema) {
      std::cout << (first ? "" : ",") << "{\"module\":\"" << log::json_escape(m.module)
                << "\",\"applied\":" << m.applied << ",\"known\":" << m.known << ",\"pending\":" << m.pending
                << "}";
      first = false;
    }
    std::cout << "],\"outbox_pending\":" << n_pending << ",\"oldest_pending_ms\":" << oldest << "}\n";
    return kExitOk;
  }
  std::cout << "store:    " << store::describe(section) << "\n"
            << "backend:  " << rt.db->backend() << "\n"
            << "size:     " << db_bytes << " bytes";
  if (wal_bytes >= 0) std::cout << " (+ WAL " << wal_bytes << " bytes)";
  std::cout << "\nschema:   module\tapplied\tthis binary\tpending\n";
  for (auto& m : *schema)
    std::cout << "          " << m.module << "\tv" << m.applied << "\tv" << m.known << "\t" << m.pending
              << "\n";
  std::cout << "outbox:   " << n_pending << " pending";
  if (n_pending > 0) std::cout << ", oldest created " << vn_time::format_iso(oldest);
  std::cout << "\n";
  return kExitOk;
}

int cmd_migrate(const Args& args) {
  std::string file = config_path(args);
  auto cfg = check_config(file);
  std::shared_ptr<ConfigFile> empty;
  ConfigNode section = store_section(*cfg, empty);
  auto db = store::open_from_config(section, store::OpenMode::kCreate);
  std::string name = store::describe(section);
  auto all = all_migrations();
  auto before = store::schema_status(*db, all);
  if (!before.ok()) throw ConfigError("cannot read the schema of " + name + ": " + before.error().message);
  if (auto newer = store::refuse_newer(*before, name); !newer.ok()) throw ConfigError(newer.error().message);
  int pending = store::pending_count(*before);
  if (pending == 0) {
    std::cout << name << ": up to date, nothing to migrate\n";
    return kExitOk;
  }
  if (auto st = db->migrate(all); !st.ok()) {
    std::cerr << "lienthong store migrate: " << name << ": " << st.error().message << "\n";
    return kExitFailure;
  }
  std::cout << name << ": applied " << pending << " migration(s)\n";
  return kExitOk;
}

int cmd_backup(const Args& args) {
  std::string dest = args.positional_at(1, "DEST");
  Runtime rt = open_runtime(config_path(args), StoreAccess::kExisting);
  if (rt.db->backend() == "postgresql") {
    std::cout << "PostgreSQL: take the backup with pg_dump, with the same connection string as "
                 "store.postgresql.conninfo (never printed here):\n"
                 "  pg_dump --format=custom --file="
              << dest
              << " \"$CONNINFO\"\n"
                 "and restore it into an empty database with pg_restore --dbname=\"$CONNINFO\" "
              << dest << "\n";
    return kExitOk;
  }
  if (auto st = store::backup_sqlite(*rt.db, dest); !st.ok()) {
    std::cerr << "lienthong store backup: " << st.error().message << "\n";
    return kExitFailure;
  }
  std::cout << "backup written to " << dest << " (" << file_size_or_zero(dest) << " bytes)\n";
  return kExitOk;
}

int cmd_check(const Args& args) {
  Runtime rt = open_runtime(config_path(args), StoreAccess::kExisting);
  if (rt.db->backend() == "sqlite") {
    auto rows = rt.db->query("PRAGMA integrity_check");
    if (!rows.ok()) {
      std::cerr << "lienthong store check: " << rows.error().message << "\n";
      return kExitFailure;
    }
    if (rows->size() == 1 && (*rows)[0].str(0) == "ok") {
      std::cout << "integrity: ok\n";
      return kExitOk;
    }
    for (auto& r : *rows) std::cout << "integrity: " << r.str(0) << "\n";
    return kExitFailure;
  }
  // PostgreSQL checks its own pages; reading every table finds what is missing or unreadable.
  auto tables = rt.db->query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1");
  if (!tables.ok()) {
    std::cerr << "lienthong store check: " << tables.error().message << "\n";
    return kExitFailure;
  }
  for (auto& t : *tables) {
    auto n = rt.db->query("SELECT count(*) FROM \"" + t.str(0) + "\"");
    if (!n.ok()) {
      std::cerr << "lienthong store check: table " << t.str(0) << ": " << n.error().message << "\n";
      return kExitFailure;
    }
  }
  std::cout << "integrity: ok (" << tables->size() << " tables read)\n";
  return kExitOk;
}

}  // namespace

int run_store(const std::vector<std::string>& argv) {
  auto parsed = cli::parse(spec(), argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
  std::string sub = args.positional()[0];
  if (sub == "status") return cmd_status(args);
  if (sub == "migrate") return cmd_migrate(args);
  if (sub == "backup") return cmd_backup(args);
  if (sub == "check") return cmd_check(args);
  throw UsageError("unknown subcommand '" + sub + "' (status, migrate, backup, check)");
}

}  // namespace lienthong::app
