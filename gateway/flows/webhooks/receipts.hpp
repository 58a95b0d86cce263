// Receipts: the answer given to each (source, webhook-id), committed in the same
// transaction as the event, so that a redelivery gets the same answer and no second
// effect, even after a restart.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/common/digest.hpp"
#include "gateway/core/common/result.hpp"
#include "gateway/core/store/database.hpp"

namespace lienthong::webhooks {

struct Receipt {
  std::string source, webhook_id;
  std::string body_sha256;  // hex of the request body: a reused id with another body is refused
  int status = 0;           // HTTP status answered
  std::string outcome;      // accepted | duplicate | quarantined
  std::string response_body;
  int64_t received_at_ms = 0;
};

class Receipts {
 public:
  explicit Receipts(store::Database& db) : db_(db) {}
  static std::vector<store::Migration> migrations();

  Result<std::optional<Receipt>> find(const std::string& source, const std::string& webhook_id);
  // Joins the caller's transaction. kConflict when the (source, id) exists already.
  Status insert(const Receipt& r);
  Result<int64_t> count(const std::string& source = "");
  // Deletes receipts received before `cutoff_ms`, in transactions of `chunk`. A webhook
  // redelivered after its receipt is gone is treated as new: keep receipts longer than
  // any sender retries. Returns how many were deleted.
  Result<int64_t> prune(int64_t cutoff_ms, size_t chunk = 1000);

 private:
  store::Database& db_;
};

using ::lienthong::sha256_hex;  // gateway/core/common/digest.hpp

}  // namespace lienthong::webhooks
