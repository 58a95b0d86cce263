// The console's insides, shared by its files: access/ (the router, login, sessions, CSRF,
// roles, the actions and their four-eyes requests) and pages/ (one file per page).
// Private to app/console; the rest of the gateway sees console.hpp only.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/console/console.hpp"
#include "app/console/responses.hpp"
#include "gateway/core/audit/audit_log.hpp"

namespace lienthong::console {

using server::Request;
using server::Response;

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
  Response request_four_eyes(const Session& s, const Request& req, int64_t id, const std::string& record,
                             const std::string& dossier, const std::string& reason);
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
  Response reconciliation_download(const Request& req, bool xlsx);

  std::string kpi_page(const Request& req);
  std::string kpi_by_agency_chart(const std::vector<kpi::IndicatorRow>& rows);
  Response kpi_download(const Request& req, bool xlsx);
  std::string trend(const kpi::Period& period);
  std::string monitors(const kpi::Period& period);

  std::string citizen_page();
};

}  // namespace lienthong::console
