// Durable inbox of the payment platform's confirmation callbacks: each verified callback is
// stored (idempotent on MaGiaoDich) before the platform is answered, and the stored
// confirmations join the next reconciliation run as portal payments.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/result.hpp"
#include "gateway/core/store/database.hpp"
#include "gateway/flows/reconciliation/dataset.hpp"

namespace lienthong::reconciliation {

class CallbackInbox {
 public:
  CallbackInbox(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // True when stored now, false when this MaGiaoDich was already stored (a retry). A retry
  // that moves a pending transaction to paid or failed updates its status.
  Result<bool> store(const Payment& p, std::string_view raw_body) { return store(p, "", raw_body); }
  // The same, keeping the confirmation's MaThamChieu (`partner_ref`) for the INIT join.
  Result<bool> store(const Payment& p, std::string_view partner_ref, std::string_view raw_body);

  // The dossier and agency of a MaThamChieu, from the INIT records; nullopt when unknown.
  using InitLookup =
      std::function<std::optional<std::pair<std::string, std::string>>(std::string_view partner_ref)>;

  // Adds stored confirmations paid in [from, to] whose reference `out` does not already hold.
  // A confirmation stored without a dossier takes it (and the agency) from `lookup`.
  // Returns how many were added.
  Result<int64_t> load(Day from, Day to, Dataset& out, const InitLookup& lookup = nullptr);

  // MaThamChieu of every confirmation stored as paid or failed (final): no QUERY needed.
  Result<std::vector<std::string>> settled_refs();

  Result<int64_t> count();

 private:
  store::Database& db_;
  const Clock& clock_;
};

}  // namespace lienthong::reconciliation
