// One accepted webhook, from its journal record until it is applied to the store, and
// (shared store) the deliveries waiting for its commit to be answered.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/flows/webhooks/intake_record.hpp"
#include "gateway/flows/webhooks/outcome.hpp"

namespace lienthong::webhooks {

// Shared store (PostgreSQL): a delivery whose answer is given once its job is committed.
// `replay`: a redelivery of the same id that arrived while the job was not yet committed.
struct CommitWaiter {
  bool replay = false;
  std::string body_hash;
  std::function<void(Outcome)> done;
};

struct IntakeJob : IntakeRecord {
  uint64_t segment = 0;  // journal segment holding the record
  int attempts = 0;      // failed applies of this job on its own (applier thread only)
  // Shared store: not in the journal; answered when its transaction commits (or 503 when
  // it cannot be), never applied after its sender was told it failed.
  bool answer_on_commit = false;
  bool committed = false;  // written by the applier before it settles the job
  // Shared store: the receipt another instance (or an earlier run) stored for this id; it
  // answers instead of this job's own answer.
  std::optional<IntakeAnswer> earlier;
  // The record's dossier code (RecordKind::Read::key), for a source with dossier_codes;
  // not journaled (the code is claimed before the record is).
  std::string dossier_code;
  bool settled = false;               // guarded by CommitWaits
  std::vector<CommitWaiter> waiters;  // guarded by CommitWaits
};

using JobPtr = std::shared_ptr<IntakeJob>;

}  // namespace lienthong::webhooks
