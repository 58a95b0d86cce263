#include "gateway/core/store/schema.hpp"

#include <map>
#include <set>

namespace lienthong::store {

Result<std::vector<ModuleSchema>> schema_status(Database& db, const std::vector<Migration>& known) {
  std::string exists_sql =
      db.backend() == "postgresql"
          ? "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations' AND "
            "table_schema = current_schema()"
          : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
  LT_ASSIGN_OR_RETURN(Rows exists, db.query(exists_sql));
  std::set<std::pair<std::string, int64_t>> applied;
  if (!exists.empty() && exists[0].i64(0) > 0) {
    LT_ASSIGN_OR_RETURN(Rows rows, db.query("SELECT module, version FROM schema_migrations"));
    for (auto& r : rows) applied.insert({r.str(0), r.i64(1)});
  }
  std::map<std::string, ModuleSchema> by_module;
  for (auto& [module, version] : applied) {
    auto& m = by_module[module];
    m.module = module;
    m.applied = std::max(m.applied, version);
  }
  std::set<std::pair<std::string, int64_t>> seen;
  for (auto& mig : known) {
    auto& m = by_module[mig.module];
    m.module = mig.module;
    m.known = std::max<int64_t>(m.known, mig.version);
    // The same migration may be declared by several components: counted once.
    if (!applied.count({mig.module, mig.version}) && seen.insert({mig.module, mig.version}).second)
      ++m.pending;
  }
  std::vector<ModuleSchema> out;
  for (auto& [_, m] : by_module) out.push_back(m);
  return out;
}

Status refuse_newer(const std::vector<ModuleSchema>& status, const std::string& store_name) {
  for (auto& m : status) {
    if (m.known > 0 && m.applied > m.known) {
      return Error(ErrorKind::kStore, store_name + " has schema version " + std::to_string(m.applied) +
                                          " of module " + m.module + ", newer than this binary knows (" +
                                          std::to_string(m.known) +
                                          "): a newer lienthong migrated it; run that version, or restore "
                                          "the backup taken before the upgrade (docs/operations.md)");
    }
  }
  return {};
}

int pending_count(const std::vector<ModuleSchema>& status) {
  int n = 0;
  for (auto& m : status) n += m.pending;
  return n;
}

}  // namespace lienthong::store
