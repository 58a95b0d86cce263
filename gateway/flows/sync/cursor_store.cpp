#include "gateway/flows/sync/cursor_store.hpp"

namespace lienthong::sync {

std::vector<store::Migration> CursorStore::migrations() {
  return {{"sync", 1,
           "CREATE TABLE IF NOT EXISTS sync_cursors ("
           " source TEXT PRIMARY KEY,"
           " cursor TEXT NOT NULL,"
           " updated_at_ms INTEGER NOT NULL)"}};
}

Result<std::string> CursorStore::get(const std::string& source) {
  LT_ASSIGN_OR_RETURN(store::Rows rows,
                      db_.query("SELECT cursor FROM sync_cursors WHERE source = ?", {source}));
  if (rows.empty()) return std::string();
  return rows[0].str(0);
}

Status CursorStore::set(const std::string& source, const std::string& cursor, int64_t now_ms) {
  auto r = db_.exec(
      "INSERT INTO sync_cursors (source, cursor, updated_at_ms) VALUES (?, ?, ?) "
      "ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, updated_at_ms = excluded.updated_at_ms",
      {std::string_view(source), std::string_view(cursor), now_ms});
  if (!r.ok()) return r.error().context("saving the sync cursor of source '" + source + "'");
  return {};
}

Status CursorStore::reset(const std::string& source) {
  auto r = db_.exec("DELETE FROM sync_cursors WHERE source = ?", {source});
  if (!r.ok()) return r.error().context("resetting the sync cursor of source '" + source + "'");
  return {};
}

}  // namespace lienthong::sync
