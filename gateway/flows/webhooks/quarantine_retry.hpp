// `lienthong quarantine retry ID`: a webhook delivery quarantined because it could not be
// translated (a procedure code missing from the source's table, a mapping or validation
// error) is kept with its body as sent. Once an operator has fixed the table or the
// mapping, the delivery is translated again and, if it now translates, applied as if it
// had just been accepted: the event is stored and queued for DVCQG (and the provincial
// system), and the quarantine record is marked released, in one transaction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/store/database.hpp"
#include "gateway/flows/webhooks/webhook_config.hpp"

namespace lienthong::outbox {
class Outbox;
}
namespace lienthong::dossiers {
class EventDestinations;
}

namespace lienthong::webhooks {

struct RetryResult {
  std::string source;  // the webhook source's id
  std::string dossier_code;
  int64_t sequence = 0;
  // The same event was recorded before (the sync flow saw it): nothing new to forward.
  bool duplicate = false;
};

// Errors leave everything as it was:
//   kNotFound    no record `id`;
//   kValidation  not a webhook delivery, or one quarantined after it was translated
//                (a conflict in the store, a store failure: a new translation would not
//                change that), or its receipt is gone (past receipt_retention_days);
//   kConflict    released already, or the dossier holds a later status than this
//                delivery's (applying it would show an older status as the current one:
//                `quarantine release` it instead if the later status is right);
//   kConfig      its source is no longer configured;
//   the translation's own error when it still does not translate (the reason to fix), or
//   a destination's refusal of the translated event (`built`: the destination adapters,
//   as the receiver has them; null: every destination gets the canonical event).
Result<RetryResult> retry_quarantined(const WebhooksConfig& config, store::Database& db,
                                      outbox::Outbox& outbox, int64_t id, int64_t now_ms,
                                      const dossiers::EventDestinations* built = nullptr);

struct RecordRetry {
  int64_t id = 0;
  Result<RetryResult> result;
};
// retry_quarantined for every record of webhook source `source_id` still in quarantine,
// oldest first, so that several deliveries of one dossier keep their order. Each record
// succeeds or fails on its own; the Error is only for a store that cannot be read.
Result<std::vector<RecordRetry>> retry_quarantined_source(const WebhooksConfig& config, store::Database& db,
                                                          outbox::Outbox& outbox,
                                                          const std::string& source_id, int64_t now_ms,
                                                          const dossiers::EventDestinations* built = nullptr);

}  // namespace lienthong::webhooks
