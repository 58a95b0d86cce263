// Idempotency: one answer per (source, webhook-id). A redelivery gets the answer the first
// delivery got (replayed, no second effect); the same id with another body is refused
// (409). The answer is held here from intake until two apply rounds after the delivery
// was stored, then the receipt in the store (receipts.hpp) answers. Most deliveries are
// new: a set of hashes of every id that may have a receipt lets them skip the store
// lookup (which would wait behind the applier's transaction). Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/store/database.hpp"
#include "gateway/flows/webhooks/intake_record.hpp"
#include "gateway/flows/webhooks/outcome.hpp"
#include "gateway/flows/webhooks/receipts.hpp"

namespace lienthong::webhooks {

// The key of one delivery: "<source>\n<webhook-id>".
std::string delivery_key(std::string_view source, std::string_view webhook_id);

// The answer to a redelivery: `earlier` again when the body is the same, else 409.
Outcome replay(const IntakeAnswer& earlier, const std::string& webhook_id, const std::string& body_hash);

class DeliveryIds {
 public:
  explicit DeliveryIds(store::Database& db);

  // Start-up: the ids of every receipt in the store, read in pages (keyset order) so that
  // a large receipt table is never held at once.
  Status load();
  // The earlier answer to this delivery, if any: held here, else from its receipt.
  Result<std::optional<IntakeAnswer>> earlier(const std::string& key, const std::string& source,
                                              const std::string& webhook_id);
  // Atomically: when an answer to `key` is held (a concurrent delivery of the same id got
  // here first) returns it; otherwise calls `record` (which makes the delivery durable and
  // completes `answer`) and, when it succeeds, holds `answer` for `key`. `record` runs
  // under this object's lock: the lock order is DeliveryIds, then whatever `record` takes.
  Result<std::optional<IntakeAnswer>> take(const std::string& key, const IntakeAnswer& answer,
                                           const std::function<Status()>& record);
  // Holds an answer without recording (deliveries read back from the journal).
  void hold(const std::string& key, const IntakeAnswer& answer);
  // Marks `key` as possibly having a receipt (shared store: answered after its commit).
  void note(const std::string& key);
  // One apply round ended, with these keys stored. Answers stored two rounds before this
  // one are forgotten (a delivery that missed one here reads the store after its commit).
  void applied(const std::vector<std::string>& keys);
  // Deletes the receipts received before `cutoff_ms` and forgets their ids (the set
  // would otherwise grow for as long as the gateway runs). Returns how many were deleted.
  Result<int64_t> prune(int64_t cutoff_ms);
  size_t known() const;

 private:
  Result<std::unordered_set<uint64_t>> ids_in_store();
  void note_locked(uint64_t hash);

  store::Database& db_;
  Receipts receipts_;
  mutable std::mutex mu_;  // guards everything below
  std::unordered_map<std::string, IntakeAnswer> answers_;
  std::deque<std::pair<uint64_t, std::string>> applied_keys_;  // (round, key) to forget
  uint64_t round_ = 0;
  std::unordered_set<uint64_t> known_;  // hashes of the keys that may have a receipt
  // While prune() rebuilds `known_` from the store: the keys taken meanwhile, and those
  // whose answers were held when it began, join the rebuilt set.
  bool rebuilding_ = false;
  std::unordered_set<uint64_t> known_meanwhile_;
};

}  // namespace lienthong::webhooks
