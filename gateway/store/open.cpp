#include "gateway/config/config.hpp"
#include "gateway/store/database.hpp"

namespace lienthong::store {

std::unique_ptr<Database> open_from_config(const ConfigNode& node) {
  node.allow_only(
      {"backend", "path", "synchronous", "busy_timeout_ms", "high_water_mark_bytes", "checkpoint"});
  std::string backend = node.choice("backend", {"sqlite"}, "sqlite");
  SqliteOptions o;
  o.path = node.file_path_or("path", "var/lienthong.db");
  o.synchronous = node.choice("synchronous", {"NORMAL", "FULL"}, "NORMAL");
  o.busy_timeout_ms = static_cast<int>(node.integer_or("busy_timeout_ms", 5000, 0, 600000));
  // "background": WAL checkpoints off the committing connection (SqliteOptions).
  o.background_checkpoint = node.choice("checkpoint", {"inline", "background"}, "background") == "background";
  auto db = open_sqlite(o);
  if (!db.ok()) throw ConfigError("config key '" + node.key_path("path") + "': " + db.error().message);
  return std::move(db).value();
}

}  // namespace lienthong::store
