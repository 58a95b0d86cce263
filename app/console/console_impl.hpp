// The console's insides, shared by its files: access/ (the router, login, sessions, CSRF,
// roles, the actions and their four-eyes requests) and pages/ (one file per page).
// Private to app/console; the rest of the gateway sees console.hpp only.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/console/console.hpp"
#include "app/console/responses.hpp"
#include "gateway/core/audit/audit_log.hpp"
#include "gateway/core/outbox/outbox.hpp"

namespace lienthong::console {

using server::Request;
using server::Response;

struct IndicatorName;  // pages/kpi.cpp

// The month (Vietnam calendar) containing `day`, moved back `back` months, as a period
// "YYYY-MM" (precomputed.cpp); the KPI trend and the refresh walk the same months.
Result<kpi::Period> month_before(int64_t day, int back);

// Computed figures by key (a period label), each with the time it was computed; at most
// kMaxEntries kept (the oldest goes first). Values are computed outside the lock.
template <class T>
class TimedCache {
 public:
  struct Entry {
    T value;
    int64_t at_ms = 0;
  };
  std::optional<Entry> fresh(const std::string& key, int64_t now_ms, int64_t max_age_ms) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end() || now_ms - it->second.at_ms > max_age_ms) return std::nullopt;
    return it->second;
  }
  void put(const std::string& key, T value, int64_t now_ms) {
    std::lock_guard lock(mu_);
    if (entries_.size() >= kMaxEntries && !entries_.count(key)) {
      auto oldest = entries_.begin();
      for (auto it = entries_.begin(); it != entries_.end(); ++it)
        if (it->second.at_ms < oldest->second.at_ms) oldest = it;
      entries_.erase(oldest);
    }
    entries_.insert_or_assign(key, Entry{std::move(value), now_ms});
  }

 private:
  static constexpr size_t kMaxEntries = 64;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

struct Console::Impl {
  ConsoleConfig config;
  ConsoleContext ctx;
  SessionStore sessions;
  LoginLimiter limiter;

  Impl(ConsoleConfig c, ConsoleContext x)
      : config(std::move(c)),
        ctx(std::move(x)),
        sessions(*ctx.clock, config.idle_timeout_ms),
        limiter(*ctx.clock, config.login_attempts, config.login_window_ms) {}

  // ------------------------------------------------ access/router.cpp
  Response handle(Request& req);
  Response serve_asset(const std::string& name);
  Response logout(const Session& s);
  Response get_page(const Session& s, Request& req, const std::vector<std::string>& parts);

  // ------------------------------------------------ access/login.cpp
  Response login_page(int status, const Request& req, const std::string& message);
  Response start_session(const ConsoleUser& user, const std::string& via);
  Response login(const Request& req);

  // ------------------------------------------------ access/actions.cpp, access/four_eyes.cpp
  Response act(const Session& s, const Request& req, const std::vector<std::string>& parts,
               std::map<std::string, std::string>& form);
  Response outbox_action(const Session& s, const Request& req, int64_t id, const std::string& action,
                         const std::string& reason);
  Response quarantine_action(const Session& s, const Request& req, int64_t id, const std::string& action,
                             const std::string& reason);
  // Bốn mắt (four eyes): files a request that an approver other than `s` decides.
  // `kind`: "outbox.replay" or "refund.issue"; `back`: the record's page.
  Response request_four_eyes(const Session& s, const Request& req, const std::string& kind,
                             const std::string& record, const std::string& dossier, const std::string& reason,
                             const std::string& back);
  // Đề nghị lập lệnh hoàn trả: always four eyes (money leaves the treasury).
  Response refund_action(const Session& s, const Request& req, const std::string& key,
                         const std::string& reason);
  Response decide(const Session& s, const Request& req, const std::string& request_id,
                  const std::string& action, const std::string& reason);

  // ------------------------------------------------ layout.cpp
  std::string csrf_field(const Session& s);
  std::string layout(const Session& s, std::string_view active, std::string_view title,
                     const std::string& body);
  std::string action_form(const Session& s, const std::string& url, const std::string& label,
                          const std::string& id_suffix);
  Response error_page(const Session* s, int status, const std::string& title, const std::string& text);

  // ------------------------------------------------ audit_trail.cpp
  void record_action(const Session& s, const Request& req, const std::string& record,
                     const std::string& action, const std::string& dossier, const std::string& result,
                     const std::string& reason, const std::string& extra = "");
  std::string trail(const std::string& record);
  std::string chain_status();
  Status verify_whole_chain(int64_t now);
  Status verify_appended();
  static constexpr int64_t kChainWholeEveryMs = 60 * 60'000;
  std::mutex chain_mutex;
  int64_t chain_checked_ms = 0;
  int64_t chain_full_ms = 0;
  audit::VerifyReport chain_report;
  // ------------------------------------------------ precomputed.cpp
  // Set by background_refresh(): the whole-chain check is left to refresh(), never paid
  // by a page view.
  std::atomic<bool> background{false};
  Status refresh();
  Status refresh_chain(int64_t now);
  // A figure computed at most 2 × refresh_ms ago, or computed now (and kept).
  Result<kpi::KpiReport> kpi_report(const kpi::Period& period, kpi::GroupBy by,
                                    int64_t* computed_at_ms = nullptr);
  Result<std::vector<kpi::LateFinding>> late_findings(const kpi::Period& period);
  Result<std::vector<kpi::AckFinding>> ack_findings(const kpi::Period& period);
  TimedCache<Result<kpi::KpiReport>> kpi_reports;
  TimedCache<Result<std::vector<kpi::LateFinding>>> late_cache;
  TimedCache<Result<std::vector<kpi::AckFinding>>> ack_cache;
  // Citizen lookups per finished day (Vietnam time): (account, purpose, result, count).
  // The audit log is append-only and stamped when appended, so a finished day's counts
  // stay as they were; only today's are read at each view.
  struct LookupCount {
    std::string account, purpose, result;
    int64_t count = 0;
    // Of them, entries carrying the lookup service's flags (docs/citizen_lookup.md): the
    // one that flagged the account for enumeration, repeated lookups of one subject, and
    // lookups whose dossier did not justify them (dossier_check: flag).
    int64_t newly_flagged = 0, repeated_subject = 0, unjustified = 0;
  };
  std::mutex citizen_mutex;
  std::map<int64_t, std::vector<LookupCount>> citizen_days;
  Result<std::map<int64_t, std::vector<LookupCount>>> lookup_counts(int64_t now_ms);

  // ------------------------------------------------ pages/
  std::string overview();
  std::string overview_outbox(int64_t now);
  std::string overview_sync(int64_t now);
  std::string overview_quarantine();
  std::string overview_webhooks(int64_t now);
  std::string overview_reconciliation();
  std::string overview_certificates(int64_t now);

  std::string dossier_page(const std::string& code);
  std::string dossier_messages(const std::string& code);
  std::string delivery_attempts(const std::vector<outbox::Message>& messages);
  std::string dossier_quarantine(const std::string& code);

  std::string outbox_list(const Request& req);
  Response outbox_record(const Session& s, const Request& req, const std::string& id_text);

  std::string quarantine_list(const Request& req);
  Response quarantine_record(const Session& s, const Request& req, const std::string& id_text);

  std::string requests_page(const Session& s, const Request& req);

  std::string reconciliation_page(const Request& req);
  std::string reconciliation_runs(const std::vector<store::Row>& runs);
  std::string reconciliation_by_reason(const std::string& run);
  std::string reconciliation_by_agency(const std::string& run);
  std::string reconciliation_items(const std::string& run, const std::string& reason);
  std::string reconciliation_refunds();
  Response refund_record(const Session& s, const Request& req, const std::string& key);
  Response reconciliation_download(const Request& req, bool xlsx);

  std::string kpi_page(const Request& req);
  std::string kpi_summary(const std::vector<kpi::IndicatorRow>& rows);
  std::string kpi_chart(const IndicatorName& ind, const std::vector<kpi::IndicatorRow>& rows);
  Response kpi_download(const Request& req, bool xlsx);
  std::string trend(const kpi::Period& period, const IndicatorName& ind);
  std::string monitors(const kpi::Period& period);

  std::string citizen_page();
};

}  // namespace lienthong::console
