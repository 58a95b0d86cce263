// The "reconciliation" component: validates its config section, contributes the run,
// refund and callback tables, and, under `serve`, runs a reconciliation every day at the
// configured time through the shared scheduler, over a period that rolls back to the
// earliest day still holding a pending item.
#include "app/reconciliation_component.hpp"

#include "adapters/payment_platform/payment_platform.hpp"
#include "adapters/tax/push_inbox.hpp"
#include "app/reconcile_runner.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/metrics/metrics.hpp"
#include "gateway/core/runtime/runtime.hpp"
#include "gateway/core/scheduler/scheduler.hpp"
#include "gateway/core/server/http_server.hpp"
#include "gateway/flows/reconciliation/callback_inbox.hpp"

namespace lienthong::app {

int64_t next_daily_run_ms(int64_t now_ms, int hour, int minute) {
  auto t = vn_time::to_vietnam(now_ms);
  vn_time::CivilTime at{t.year, t.month, t.day, hour, minute, 0};
  int64_t when = vn_time::from_vietnam(at);
  if (when <= now_ms) when += 86'400'000;
  return when;
}

CallbackAnswer handle_payment_callback(std::string_view body, const Secret& secret,
                                       reconciliation::CallbackInbox& inbox) {
  // The platform reads MaLoi, never the HTTP status: every answer is 200, "00" or "99".
  auto c = payment_platform::parse_confirmation(body, secret.reveal());
  if (!c.ok()) {
    // The reason goes back to the platform; it names fields, never their values.
    return {200,
            payment_platform::confirmation_answer(payment_platform::kFailure, c.error().message, nullptr),
            false};
  }
  // MaLoi decides: "00" a payment made, anything else a failed one, stored as failed so the
  // run sees it and never counts it as paid. A failed confirmation may lack MaGiaoDich: it is
  // then keyed by its MaThamChieu.
  reconciliation::Payment p;
  std::string reference = c->transaction_id.empty() ? "MaThamChieu:" + c->partner_ref : c->transaction_id;
  p.reference = reference;
  p.amount = c->amount;
  p.paid_at_ms = c->paid_at_ms;
  p.status = c->paid() ? reconciliation::PaymentStatus::kPaid : reconciliation::PaymentStatus::kFailed;
  auto stored = inbox.store(p, c->partner_ref, body);
  if (!stored.ok()) {
    log::error("reconciliation", "payment_confirmation_not_stored", stored.error().message,
               {{"error_kind", to_string(stored.error().kind)}});
    // Not "00": the platform must send it again, as we could not keep it durably.
    return {200,
            payment_platform::confirmation_answer(payment_platform::kFailure,
                                                  "Tạm thời không lưu được xác nhận; đề nghị gửi lại", &*c),
            false};
  }
  return {200, payment_platform::confirmation_answer(payment_platform::kSuccess, "Thành công", &*c), *stored};
}

namespace {

// A confirmation is a few hundred bytes; anything near this is not one.
constexpr size_t kCallbackBodyLimit = 64 * 1024;

class ReconciliationComponent final : public Component {
 public:
  ReconciliationComponent(Runtime& rt, ReconcileSettings s) : rt_(rt), settings_(std::move(s)) {
    auto& reg = metrics::Registry::global();
    for (const char* outcome : {"ok", "failed"})
      reg.counter("lienthong_reconciliation_runs_total", "Scheduled reconciliation runs, by outcome",
                  {{"outcome", outcome}});
    reg.describe("lienthong_reconciliation_last_attempt_timestamp_seconds",
                 "When the last scheduled reconciliation ended, in seconds since the epoch", "gauge");
    reg.describe("lienthong_reconciliation_last_attempt_success",
                 "1 when the last scheduled reconciliation succeeded, 0 when it failed", "gauge");
  }

  // The payment platform's confirmation callback, when a shared secret is configured.
  void register_routes(server::HttpServer& server) override {
    if (!settings_.callback_secret) return;
    server.route(
        "POST", settings_.callback_path,
        [this](server::Request& req) {
          reconciliation::CallbackInbox inbox(*rt_.db, *rt_.clock);
          auto answer = handle_payment_callback(req.body, *settings_.callback_secret, inbox);
          return server::Response::json(answer.http_status, answer.body);
        },
        server::RouteLimits{kCallbackBodyLimit});
  }

  // A daily job: the shared scheduler runs it every 24 hours, the first time at the next
  // HH:MM in Vietnam time.
  void register_jobs(scheduler::Scheduler& s) override {
    if (!settings_.schedule.enabled) return;
    int64_t now = rt_.clock->now_ms();
    int64_t first = next_daily_run_ms(now, settings_.schedule.hour, settings_.schedule.minute) - now;
    s.add(
        "reconciliation", std::chrono::hours(24), [this] { return run_once(); }, Millis(first));
  }

 private:
  Status run_once() {
    // Every instance sharing a PostgreSQL store has this schedule: one of them runs it.
    LT_ASSIGN_OR_RETURN(std::unique_ptr<store::NamedLock> lock, rt_.db->try_lock("lienthong.reconciliation"));
    if (!lock) {
      log::info("reconciliation", "reconciliation_skipped",
                "another instance sharing the store is running the scheduled reconciliation; skipped");
      return Status();
    }
    auto t = vn_time::to_vietnam(rt_.clock->now_ms());
    auto today = static_cast<reconciliation::Day>(vn_time::days_from_civil(t.year, t.month, t.day));
    ReconcileRequest req;
    size_t left_out = 0;
    LT_ASSIGN_OR_RETURN(req.period,
                        scheduled_period(*rt_.db, *rt_.clock, settings_.schedule, today, &left_out));
    req.series = kScheduledSeries;
    if (left_out > 0) {
      log::warn(
          "reconciliation", "pending_items_beyond_lookback",
          "items still pending are older than reconciliation.schedule.max_lookback_days and are no longer "
          "re-read by the scheduled run; reconcile their days by hand (lienthong reconcile --from ... --to "
          "...)",
          {{"items", static_cast<unsigned long>(left_out)},
           {"max_lookback_days", static_cast<long>(settings_.schedule.max_lookback_days)}});
    }
    auto path = [&](const char* k) {
      auto it = settings_.schedule.inputs.find(k);
      return it == settings_.schedule.inputs.end()
                 ? std::string()
                 : expand_input_path(it->second, req.period.from, req.period.to);
    };
    req.payments = path("payments");
    req.pull = settings_.schedule.pull_payments;  // into req.out_dir, then read like a file
    req.bank = path("bank");
    req.treasury = path("treasury");
    req.treasury_api = settings_.schedule.treasury_api;  // instead of inputs.treasury
    req.obligations = path("obligations");
    req.tax_notices = path("tax_notices");
    req.tax_vouchers = path("tax_vouchers");
    // One directory per run, named by its last day: the first day of the period rolls.
    req.out_dir = expand_input_path(settings_.out_dir + "/{to}", req.period.from, req.period.to);
    auto o = run_reconciliation(*rt_.db, *rt_.clock, settings_, req);
    auto& reg = metrics::Registry::global();
    reg.counter("lienthong_reconciliation_runs_total", "Scheduled reconciliation runs, by outcome",
                {{"outcome", o.ok() ? "ok" : "failed"}})
        .inc();
    reg.gauge("lienthong_reconciliation_last_attempt_timestamp_seconds",
              "When the last scheduled reconciliation ended, in seconds since the epoch")
        .set(static_cast<double>(rt_.clock->now_ms()) / 1000.0);
    reg.gauge("lienthong_reconciliation_last_attempt_success",
              "1 when the last scheduled reconciliation succeeded, 0 when it failed")
        .set(o.ok() ? 1 : 0);
    if (!o.ok())
      return o.error().context("scheduled reconciliation for " + vn_time::format_date(req.period.from) +
                               ".." + vn_time::format_date(req.period.to));
    log::info("reconciliation", "reconciliation_finished", "scheduled reconciliation stored",
              {{"run_id", o->info.id},
               {"from", vn_time::format_date(req.period.from)},
               {"to", vn_time::format_date(req.period.to)},
               {"exceptions", static_cast<unsigned long>(o->result.items.size())},
               {"input_issues", static_cast<unsigned long>(o->result.issues.size())},
               {"reports", req.out_dir}});
    return Status();
  }

  Runtime& rt_;
  ReconcileSettings settings_;
};

}  // namespace

ComponentSpec reconciliation_component() {
  ComponentSpec spec;
  spec.section = "reconciliation";
  spec.validate = [](const ConfigNode& n) { (void)ReconcileSettings::from_config(n); };
  spec.migrations = [] {
    auto m = reconciliation::migrations();
    for (auto& t : tax::push_migrations()) m.push_back(std::move(t));
    return m;
  };
  spec.make = [](Runtime& rt, const ConfigNode& n) -> std::unique_ptr<Component> {
    auto settings = ReconcileSettings::from_config(n);
    attach_calendar(settings, rt.config->root());
    return std::make_unique<ReconciliationComponent>(rt, std::move(settings));
  };
  return spec;
}

}  // namespace lienthong::app
