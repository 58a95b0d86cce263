// Run storage: every run with its id, period, input checksums (SHA-256), rule fingerprint
// and summary; its exception items; and the refunds it opened, instructed or closed.
// The run id is a hash of (period, as-of day, rules, input checksums), so re-running the
// same period with the same inputs finds the stored run and adds no rows.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/digest.hpp"
#include "gateway/core/common/result.hpp"
#include "gateway/core/store/database.hpp"
#include "gateway/flows/reconciliation/engine.hpp"

namespace lienthong::reconciliation {

std::vector<store::Migration> migrations();

struct InputChecksum {
  std::string name;  // "payments", "bank", "treasury", "obligations", "tax_notices", ...
  std::string path;
  std::string sha256;  // hex
  uint64_t bytes = 0;
};

// SHA-256 of a file, hex. Errors name the file.
Result<InputChecksum> checksum_file(const std::string& name, const std::string& path);
using ::lienthong::sha256_hex;  // gateway/core/common/digest.hpp

struct RunInfo {
  std::string id;
  Day from = 0, to = 0, as_of = 0;
  std::string rules;  // Rules::fingerprint()
  std::vector<InputChecksum> inputs;
  int64_t created_at_ms = 0;
  // "scheduled" for the runs of `serve`, whose periods roll (each is diffed against the
  // series' previous run); empty for a run by hand (diffed against the same period's).
  std::string series;
};

// Fills info.id from the other fields.
std::string compute_run_id(const RunInfo& info);

// Hoàn trả (refund) of a duplicate payment or an overpayment; due -> instructed -> refunded.
struct Refund {
  std::string key;  // the payment's reference
  std::string reference, dossier, agency;
  Vnd amount = 0;
  std::string reason;  // reason code of the item that opened it
  std::string state;   // "due", "approved" (four eyes), "instructed", "refunded"
  std::string opened_run, instructed_run, refunded_run;
};

struct ItemChange {
  std::string key;
  std::optional<ReasonCode> before;  // nullopt: matched or not present
  std::optional<ReasonCode> after;
  std::string dossier, reference;
};

struct RunDiff {
  std::string previous_run;  // empty when this is the first run of the period
  std::vector<ItemChange> changes;
};

// The last run of a series, as the next scheduled run needs it to choose its period.
struct SeriesTail {
  std::string run_id;
  Day to = 0;                     // its last payment day
  std::vector<Day> pending_days;  // the days of its pending_settlement items, ascending
};

struct SavedRun {
  bool reused = false;  // the same run (same id) was already stored
  RunDiff diff;
  std::vector<Refund> instructed;  // refund instructions this run issued
};

class RunStore {
 public:
  // `refunds_need_approval` (reconciliation.refund_approval: "four_eyes"): a run instructs
  // only the refunds an approver has approved (state `approved`, approve_refund); without
  // it every due refund (as before).
  RunStore(store::Database& db, const Clock& clock, bool refunds_need_approval = false)
      : db_(db), clock_(clock), refunds_need_approval_(refunds_need_approval) {}

  // Due → approved, for the four-eyes decision of the console; false when the refund is
  // not due (unknown, already approved, instructed or refunded).
  Result<bool> approve_refund(const std::string& refund_key);
  // One refund by its key (the payment's reference); nullopt when there is none.
  Result<std::optional<Refund>> refund(const std::string& refund_key);

  // In one transaction: stores the run and its items unless already stored, opens refunds
  // for items that need one, closes refunds the treasury shows, and turns due (or, with
  // approval, approved) refunds into instructions of this run. Computes the diff against the previous run of
  // the period.
  Result<SavedRun> save(RunInfo& info, const RunResult& result);

  // A run of a series is compared with the series' previous run, leaving out that run's
  // items dated before this run's period (they left the window with their final outcome);
  // any other run with the previous run of the same period.
  Result<RunDiff> diff(const std::string& run_id);
  // The latest run of `series`; nullopt when it has none yet.
  Result<std::optional<SeriesTail>> last_of_series(const std::string& series);
  Result<std::vector<Refund>> refunds(std::optional<std::string> state = std::nullopt);
  // Refunds still owed to payers: due or instructed, not yet shown refunded by the treasury;
  // by agency, then key.
  Result<std::vector<Refund>> outstanding_refunds();
  Result<int64_t> item_count(const std::string& run_id);
  Result<int64_t> run_count();

 private:
  // Inside save()'s transaction: a new run and its items.
  Status insert_run(RunInfo& info, const RunResult& result, int64_t now);
  // Inside save()'s transaction: refunds opened, credited and instructed by this run.
  Status settle_refunds(const RunInfo& info, const RunResult& result, int64_t now, SavedRun& saved);
  store::Database& db_;
  const Clock& clock_;
  bool refunds_need_approval_ = false;
};

}  // namespace lienthong::reconciliation
