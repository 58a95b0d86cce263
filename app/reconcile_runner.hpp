// One reconciliation run end to end: checksums of the inputs, reading them through the
// adapters, the engine, storage and reports. Shared by `lienthong reconcile` and the
// scheduled job of `serve`. Every input is read before anything is stored or written, so
// a file of the wrong shape stops the run with nothing partial left behind.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "adapters/bank_statement/bank_statement.hpp"
#include "adapters/payment_platform/payment_platform.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/core/config/config.hpp"
#include "gateway/core/http/http_client.hpp"
#include "gateway/core/store/database.hpp"
#include "gateway/flows/calendar/working_day_calendar.hpp"
#include "gateway/flows/reconciliation/engine.hpp"
#include "gateway/flows/reconciliation/report.hpp"
#include "gateway/flows/reconciliation/run_store.hpp"

namespace lienthong::app {

// The State Treasury's credit-record API, read instead of the treasury file.
struct TreasuryApi {
  std::string url;  // base URL; pages come from {url}/chung-tu
  Secret secret;    // the bearer token the treasury issued
  int page_size = 500;
  http::ClientOptions client;
  // {url, secret {"env"|"file"}, page_size, timeout_ms, connect_timeout_ms, max_response_bytes,
  // tls{}}. Throws ConfigError naming the key.
  static TreasuryApi from_config(const ConfigNode& node);
};

struct ReconcileSettings {
  reconciliation::Rules rules;
  // The province's working days (the `calendar` section's year files), used when the rules
  // count in working days; nullptr: Monday to Friday. Set by attach_calendar.
  std::shared_ptr<const calendar::WorkingDayCalendar> calendar;
  bank_statement::ColumnMapping bank;
  std::string tax_agency = "THUE";  // agency code attached to tax obligations and vouchers
  std::string out_dir = "reports/reconciliation";
  // csv_format: "standard" (',' and YYYY-MM-DD) or "excel_vi" (';' and dd/mm/yyyy, for Excel
  // on a Vietnamese locale); --csv-format overrides it for one run.
  reconciliation::CsvFormat csv_format = reconciliation::CsvFormat::kStandard;
  // refund_approval: "four_eyes" (the default: a run instructs only refunds an approver
  // approved in the console, money moves on two people's word) or "none" (a run instructs
  // every due refund itself).
  bool refunds_need_approval = true;
  std::optional<Secret> callback_secret;  // payment_platform.secret: verifies MaXacThuc
  std::string callback_path = "/v1/payments/callback";
  // payment_platform.base_url/partner_code/query_path/get_bill_path: QUERY for --pull.
  std::string platform_base_url, partner_code;
  std::string query_path = "/query", get_bill_path = "/get-bill";
  // payment_platform.init_ledger: the one-stop-shop's INIT messages (JSON Lines), where
  // MaThamChieu meets the dossier and agency; the open ones are QUERYed by --pull.
  std::string init_ledger;
  // payment_platform.access_token: sent as a bearer token with QUERY and GET_BILL, if set.
  std::optional<Secret> platform_access_token;
  // payment_platform.fetch_receipts: --pull asks GET_BILL for each paid transaction's receipt.
  bool fetch_receipts = true;
  http::ClientOptions platform_client;
  struct Schedule {
    bool enabled = false;
    int hour = 6, minute = 0;  // Vietnam time
    int lookback_days = 1;     // the run's last day is `lookback_days` before today
    // The period starts at the earliest day still holding an item pending in the previous
    // scheduled run (or the first day that run did not cover), never more than this many
    // days before the period's last day.
    int max_lookback_days = 31;
    // Input paths; "{from}" and "{to}" are replaced with YYYY-MM-DD.
    std::map<std::string, std::string> inputs;
    // inputs.treasury_api: the treasury's credits pulled from its API instead of
    // inputs.treasury (exactly one of the two).
    std::optional<TreasuryApi> treasury_api;
    // The portal's transactions recovered by QUERY for every open INIT of
    // payment_platform.init_ledger (kept in the run's report directory) instead of read from
    // inputs.payments.
    bool pull_payments = false;
  } schedule;

  // The `reconciliation` config section. Keys: rules{}, bank{}, tax_agency, out_dir, csv_format,
  // payment_platform{secret, callback_path, base_url, partner_code, init_ledger, query_path,
  // get_bill_path, timeout_ms, ...},
  // schedule{enabled, time "HH:MM", lookback_days, max_lookback_days, pull_payments, inputs{payments, bank,
  // treasury | treasury_api{...}, obligations, tax_notices, tax_vouchers}}. Throws ConfigError naming the
  // key.
  static ReconcileSettings from_config(const ConfigNode& section);
};

struct ReconcileRequest {
  reconciliation::Period period;
  std::string payments, bank, treasury, obligations, tax_notices, tax_vouchers;  // empty: not given
  bool include_callbacks = true;   // stored payment callbacks join the portal's payments
  bool include_tax_pushes = true;  // stored tax pushes join the tax notices and vouchers
  std::string out_dir;             // empty: no report files
  std::string series;              // kScheduledSeries for the runs of `serve`; empty by hand
  // Recover the portal's transactions by QUERY (into out_dir) instead of reading `payments`.
  bool pull = false;
  // Pull the treasury's credits from its API instead of reading the `treasury` file; exactly
  // one of the two. The pull covers the period widened by the rules' date and settlement
  // windows, the days whose credits the engine considers.
  std::optional<TreasuryApi> treasury_api;
};

struct ReconcileOutcome {
  reconciliation::RunInfo info;
  reconciliation::RunResult result;
  reconciliation::SavedRun saved;
  std::optional<payment_platform::PullSummary> pulled;  // set by --pull
};

Result<ReconcileOutcome> run_reconciliation(store::Database& db, const Clock& clock,
                                            const ReconcileSettings& settings,
                                            const ReconcileRequest& request);

// The series of the scheduled runs of `serve` in the run store.
inline constexpr const char* kScheduledSeries = "scheduled";

// The period of the scheduled run on `today` (Vietnam time): it ends `lookback_days` before
// today and starts at the earliest of that day, the first day the previous scheduled run did
// not cover, and the days of the items still pending in that run, but not before
// `max_lookback_days` before its end. `left_out` (if given) counts the pending items left
// behind by that bound.
Result<reconciliation::Period> scheduled_period(store::Database& db, const Clock& clock,
                                                const ReconcileSettings::Schedule& schedule,
                                                reconciliation::Day today, size_t* left_out = nullptr);

// Loads the `calendar` section's working-day calendar into `settings` when its rules count
// in working days. Throws ConfigError naming the calendar file at fault.
void attach_calendar(ReconcileSettings& settings, const ConfigNode& root);

// Substitutes {from} and {to} in a configured input path.
std::string expand_input_path(std::string path, reconciliation::Day from, reconciliation::Day to);

}  // namespace lienthong::app
