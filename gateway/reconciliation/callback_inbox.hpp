// Durable inbox of the payment platform's confirmation callbacks: each verified callback is
// stored (idempotent on MaGiaoDich) before the platform is answered, and the stored
// confirmations join the next reconciliation run as portal payments.
#pragma once

#include <string_view>

#include "gateway/common/clock.hpp"
#include "gateway/common/result.hpp"
#include "gateway/reconciliation/dataset.hpp"
#include "gateway/store/database.hpp"

namespace lienthong::reconciliation {

class CallbackInbox {
 public:
  CallbackInbox(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // True when stored now, false when this MaGiaoDich was already stored (a retry). A retry
  // that moves a pending transaction to paid or failed updates its status.
  Result<bool> store(const Payment& p, std::string_view raw_body);

  // Adds stored confirmations paid in [from, to] whose reference `out` does not already hold.
  // Returns how many were added.
  Result<int64_t> load(Day from, Day to, Dataset& out);

  Result<int64_t> count();

 private:
  store::Database& db_;
  const Clock& clock_;
};

}  // namespace lienthong::reconciliation
