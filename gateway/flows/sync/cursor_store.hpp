// Durable sync cursors: one row per source system, holding the opaque position after the
// last page that was safely stored. It is written in the same transaction as the page's
// events, so a crash either keeps both or neither: a dossier is never skipped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/store/database.hpp"

namespace lienthong::sync {

class CursorStore {
 public:
  explicit CursorStore(store::Database& db) : db_(db) {}
  static std::vector<store::Migration> migrations();

  // "" when the source was never pulled (the source reads that as "from the beginning").
  Result<std::string> get(const std::string& source);
  // Joins the caller's transaction.
  Status set(const std::string& source, const std::string& cursor, int64_t now_ms);
  // Forgets the cursor: the next pull starts from the beginning (already stored events
  // are then recognised as unchanged and nothing is sent twice).
  Status reset(const std::string& source);

 private:
  store::Database& db_;
};

}  // namespace lienthong::sync
