#include "gateway/core/config/config.hpp"
#include "gateway/core/store/admin.hpp"
#include "gateway/core/store/database.hpp"

namespace lienthong::store {

namespace {

constexpr std::string_view kSqliteKeys[] = {"path", "synchronous", "busy_timeout_ms", "checkpoint"};

struct StoreConfig {
  std::string backend;
  SqliteOptions sqlite;
  PostgresOptions postgres;
};

StoreConfig parse(const ConfigNode& node) {
  node.allow_only({"backend", "path", "synchronous", "busy_timeout_ms", "high_water_mark_bytes", "checkpoint",
                   "postgresql", "migrate"});
  StoreConfig c;
  (void)node.choice("migrate", {"auto", "manual"}, "auto");
  c.backend = node.choice("backend", {"sqlite", "postgresql"}, "sqlite");
  (void)node.integer_or("high_water_mark_bytes", 0, 0, INT64_MAX);
  if (c.backend == "postgresql") {
    for (auto key : kSqliteKeys) {
      if (node.has(key))
        node.fail(key, "applies to the sqlite backend only; remove it with backend \"postgresql\"");
    }
    auto pg = node.optional_object("postgresql");
    if (!pg) {
      node.fail("postgresql",
                "required with backend \"postgresql\": {\"conninfo\": {\"env\": \"VARIABLE\"}}");
    }
    pg->allow_only({"conninfo", "connect_timeout_seconds"});
    // A secret: it may carry a password, so only by {"env"} or {"file"} reference.
    c.postgres.conninfo = pg->secret("conninfo").reveal();
    c.postgres.connect_timeout_seconds = static_cast<int>(
        pg->integer_or("connect_timeout_seconds", c.postgres.connect_timeout_seconds, 1, 600));
    return c;
  }
  if (node.has("postgresql")) node.fail("postgresql", "applies to backend \"postgresql\" only");
  SqliteOptions& o = c.sqlite;
  o.path = node.file_path_or("path", "var/lienthong.db");
  o.synchronous = node.choice("synchronous", {"NORMAL", "FULL"}, "NORMAL");
  o.busy_timeout_ms = static_cast<int>(node.integer_or("busy_timeout_ms", 5000, 0, 600000));
  // "background": WAL checkpoints off the committing connection (SqliteOptions).
  o.background_checkpoint = node.choice("checkpoint", {"inline", "background"}, "background") == "background";
  return c;
}

}  // namespace

void check_config(const ConfigNode& node) {
  (void)parse(node);
}

bool migrates_automatically(const ConfigNode& node) {
  return node.choice("migrate", {"auto", "manual"}, "auto") == "auto";
}

std::string describe(const ConfigNode& node) {
  StoreConfig c = parse(node);
  if (c.backend == "postgresql") return "the PostgreSQL store (store.postgresql.conninfo)";
  return "the SQLite store at " + c.sqlite.path;
}

std::string sqlite_path(const ConfigNode& node) {
  StoreConfig c = parse(node);
  return c.backend == "sqlite" ? c.sqlite.path : std::string();
}

std::unique_ptr<Database> open_from_config(const ConfigNode& node) {
  return open_from_config(node, OpenMode::kCreate);
}

std::unique_ptr<Database> open_from_config(const ConfigNode& node, OpenMode mode) {
  StoreConfig c = parse(node);
  if (c.backend == "postgresql") {
    auto db = open_postgresql(c.postgres);
    if (!db.ok())
      throw ConfigError("config key '" + node.key_path("postgresql") + "': " + db.error().message);
    return std::move(db).value();
  }
  auto db = mode == OpenMode::kCreate ? open_sqlite(c.sqlite) : open_existing_sqlite(c.sqlite);
  if (!db.ok()) throw ConfigError("config key '" + node.key_path("path") + "': " + db.error().message);
  return std::move(db).value();
}

}  // namespace lienthong::store
