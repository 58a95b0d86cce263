#include "gateway/flows/webhooks/receipts.hpp"

#include <openssl/evp.h>

#include <algorithm>

namespace lienthong::webhooks {

std::vector<store::Migration> Receipts::migrations() {
  return {{"webhooks", 1,
           "CREATE TABLE webhook_receipts ("
           " source TEXT NOT NULL, webhook_id TEXT NOT NULL, body_sha256 TEXT NOT NULL,"
           " status INTEGER NOT NULL, outcome TEXT NOT NULL, response_body TEXT NOT NULL,"
           " received_at_ms INTEGER NOT NULL, PRIMARY KEY (source, webhook_id));"
           "CREATE INDEX webhook_receipts_received ON webhook_receipts (received_at_ms);"}};
}

Result<std::optional<Receipt>> Receipts::find(const std::string& source, const std::string& webhook_id) {
  LT_ASSIGN_OR_RETURN(auto rows,
                      db_.query("SELECT body_sha256, status, outcome, response_body, received_at_ms"
                                " FROM webhook_receipts WHERE source = ? AND webhook_id = ?",
                                {source, webhook_id}));
  if (rows.empty()) return std::optional<Receipt>();
  const auto& r = rows[0];
  Receipt out;
  out.source = source;
  out.webhook_id = webhook_id;
  out.body_sha256 = r.str(0);
  out.status = static_cast<int>(r.i64(1));
  out.outcome = r.str(2);
  out.response_body = r.str(3);
  out.received_at_ms = r.i64(4);
  return std::optional<Receipt>(std::move(out));
}

Status Receipts::insert(const Receipt& r) {
  LT_ASSIGN_OR_RETURN(
      int64_t n, db_.exec("INSERT INTO webhook_receipts (source, webhook_id, body_sha256, status,"
                          " outcome, response_body, received_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)"
                          " ON CONFLICT (source, webhook_id) DO NOTHING",
                          {r.source, r.webhook_id, r.body_sha256, static_cast<int64_t>(r.status), r.outcome,
                           r.response_body, r.received_at_ms}));
  if (n == 0) {
    return make_error(ErrorKind::kConflict,
                      "webhook " + r.source + "/" + r.webhook_id + " has a receipt already");
  }
  return {};
}

Result<int64_t> Receipts::count(const std::string& source) {
  LT_ASSIGN_OR_RETURN(auto rows,
                      source.empty()
                          ? db_.query("SELECT COUNT(*) FROM webhook_receipts")
                          : db_.query("SELECT COUNT(*) FROM webhook_receipts WHERE source = ?", {source}));
  return rows.empty() ? int64_t{0} : rows[0].i64(0);
}

Result<int64_t> Receipts::prune(int64_t cutoff_ms, size_t chunk) {
  chunk = std::max<size_t>(1, chunk);
  int64_t total = 0;
  for (;;) {
    int64_t deleted = 0;
    Status s = db_.transaction([&]() -> Status {
      LT_ASSIGN_OR_RETURN(deleted, db_.exec("DELETE FROM webhook_receipts WHERE (source, webhook_id) IN ("
                                            "SELECT source, webhook_id FROM webhook_receipts "
                                            "WHERE received_at_ms < ? LIMIT ?)",
                                            {cutoff_ms, static_cast<int64_t>(chunk)}));
      return {};
    });
    if (!s.ok())
      return s.error().context("pruning webhook receipts (" + std::to_string(total) + " deleted before)");
    total += deleted;
    if (deleted < static_cast<int64_t>(chunk)) return total;
  }
}

}  // namespace lienthong::webhooks
