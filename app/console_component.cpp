// The console component: the operator console (app/console) on the admin listener, when
// the configuration has a console section with its operator accounts.
#include "app/console/console.hpp"
#include "app/kpi_settings.hpp"
#include "app/reconcile_runner.hpp"
#include "app/serve_metrics.hpp"
#include "gateway/core/runtime/component.hpp"
#include "gateway/core/runtime/runtime.hpp"
#include "gateway/core/scheduler/scheduler.hpp"
#include "gateway/core/server/admin_listener.hpp"
#include "gateway/flows/kpi/procedures/procedure_catalogue.hpp"
#include "gateway/flows/webhooks/webhook_config.hpp"

namespace lienthong::app {
namespace {

console::ConsoleContext context_of(Runtime& rt) {
  console::ConsoleContext ctx;
  ctx.db = rt.db.get();
  ctx.outbox = rt.outbox.get();
  ctx.clock = rt.clock;
  ConfigNode root = rt.config->root();
  if (auto webhooks = root.optional_object("webhooks"))
    ctx.webhooks = std::make_shared<const webhooks::WebhooksConfig>(webhooks::parse_config(*webhooks));
  if (root.optional_object("kpi")) {
    // The same catalogue, targets and on-time target as GET /v1/kpi and `lienthong kpi`.
    KpiSettings settings = kpi_settings(root);
    auto catalogue = std::make_shared<procedures::ProcedureCatalogue>();
    if (!settings.procedures_path.empty()) {
      auto loaded = procedures::ProcedureCatalogue::load(settings.procedures_path);
      if (!loaded.ok()) throw ConfigError(loaded.error().message);
      *catalogue = std::move(*loaded);
    }
    std::shared_ptr<const kpi::KpiTargets> targets = load_kpi_targets(settings);
    kpi::KpiOptions options;
    options.on_time_target = settings.on_time_target;
    store::Database* db = rt.db.get();
    ctx.kpi = [db, catalogue, targets, options](const kpi::Period& period, kpi::GroupBy by) mutable {
      options.targets = targets.get();
      return kpi::compute_kpi(*db, *catalogue, period, by, kpi::indicator_ids(), options);
    };
  }
  if (root.optional_object("kpi")) {
    // The same working calendar as `lienthong late` and `lienthong monitor ack`.
    auto calc = calendar::make_calculator(calendar_settings(root));
    if (!calc.ok()) {
      ctx.monitors_problem = calc.error().message;
    } else {
      auto shared = std::make_shared<const calendar::DeadlineCalculator>(std::move(*calc));
      store::Database* db = rt.db.get();
      const Clock* clock = rt.clock;
      const int hours = kpi_settings(root).acknowledge_within_working_hours;
      ctx.ack_working_hours = hours;
      ctx.late_dossiers = [db, clock, shared](int64_t from, int64_t to) {
        return kpi::late_dossiers(*db, *shared, clock->now_ms(), from, to, false);
      };
      ctx.unacknowledged_online = [db, clock, shared, hours](int64_t from, int64_t to) {
        return kpi::unacknowledged_online(*db, *shared, clock->now_ms(), from, to, hours);
      };
    }
  }
  if (auto recon = root.optional_object("reconciliation"))
    ctx.refund_approval = ReconcileSettings::from_config(*recon).refunds_need_approval;
  ctx.certificates = configured_certificates(root);
  auto admin = root.optional_object("admin");
  ctx.secure_cookies = server::AdminOptions::from_config(admin ? &*admin : nullptr).server.tls.enabled;
  return ctx;
}

class ConsoleComponent final : public Component {
 public:
  ConsoleComponent(Runtime& rt, const ConfigNode& section)
      : console_(console::ConsoleConfig::from_config(section), context_of(rt)) {}
  void register_admin_routes(server::HttpServer& admin) override { console_.register_routes(admin); }
  // What the heavy pages show is computed here, not in a view; first shortly after start.
  void register_jobs(scheduler::Scheduler& s) override {
    console_.background_refresh();
    s.add(
        "console-refresh", Millis(console_.refresh_interval_ms()), [this] { return console_.refresh(); },
        Millis(1000));
  }

 private:
  console::Console console_;
};

}  // namespace

ComponentSpec console_component_spec() {
  return {"console", [](const ConfigNode& section) { (void)console::ConsoleConfig::from_config(section); },
          console::Console::migrations,
          [](Runtime& rt, const ConfigNode& section) -> std::unique_ptr<Component> {
            return std::make_unique<ConsoleComponent>(rt, section);
          },
          nullptr};
}

}  // namespace lienthong::app
