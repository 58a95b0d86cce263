#include "app/sync_component.hpp"

#include "app/adapters.hpp"
#include "app/kpi_settings.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/scheduler/scheduler.hpp"
#include "gateway/flows/kpi/procedures/procedure_catalogue.hpp"
#include "gateway/flows/sync/cursor_store.hpp"

namespace lienthong::app {

void validate_sync_section(const ConfigNode& n) {
  n.allow_only({"source", "destinations", "page_size", "pull_attempts", "pull_backoff_ms", "max_pages",
                "drain_timeout_seconds", "interval_seconds"});
  std::string source = n.string("source");
  bool known = false;
  for (auto& a : source_adapters()) known = known || a.name == source;
  if (!known) n.fail("source", "'" + source + "' is not a source adapter (known: one_stop_shop)");
  auto dests = n.strings_or("destinations", {"dvcqg"});
  if (dests.empty()) n.fail("destinations", "expected at least one destination adapter");
  for (auto& d : dests) {
    bool ok = false;
    for (auto& a : target_adapters()) ok = ok || a.name == d;
    if (!ok) n.fail("destinations", "'" + d + "' is not a destination adapter (known: dvcqg)");
  }
  (void)sync::SyncOptions::from_config(n);
}

void check_sync_adapters(const ConfigNode& root) {
  auto s = root.optional_object("sync");
  if (!s) return;
  auto adapters = root.optional_object("adapters");
  std::vector<std::string> needed = {s->string("source")};
  for (auto& d : s->strings_or("destinations", {"dvcqg"})) needed.push_back(d);
  for (auto& name : needed) {
    if (!adapters || !adapters->has(name))
      throw ConfigError("sync uses adapter '" + name + "' but the config has no section adapters." + name);
  }
}

std::vector<store::Migration> sync_migrations() {
  auto m = sync::CursorStore::migrations();
  for (auto& x : dossiers::DossierStore::migrations()) m.push_back(x);
  for (auto& x : dossiers::Quarantine::migrations()) m.push_back(x);
  return m;
}

std::unique_ptr<kpi::DueAuditor> make_due_auditor(Runtime& rt) {
  const ConfigNode root = rt.config->root();
  if (!root.optional_object("kpi") && !root.optional_object("calendar")) return nullptr;
  KpiSettings k = kpi_settings(root);
  procedures::ProcedureCatalogue catalogue;
  if (!k.procedures_path.empty()) {
    auto loaded = procedures::ProcedureCatalogue::load(k.procedures_path);
    if (!loaded.ok()) throw ConfigError("kpi.procedures: " + loaded.error().message);
    catalogue = std::move(*loaded);
  } else {
    log::warn("sync", "no_procedure_catalogue",
              "no procedure catalogue (kpi.procedures); due dates are audited as unknown_procedure");
  }
  auto calc = calendar::make_calculator(calendar_settings(root));
  if (!calc.ok()) throw ConfigError("calendar: " + calc.error().message);
  return std::make_unique<kpi::DueAuditor>(*rt.db, std::move(catalogue), std::move(*calc),
                                           static_cast<int64_t>(k.at_risk_working_hours) * 60);
}

std::unique_ptr<Component> make_sync_component(Runtime& rt, const ConfigNode& section) {
  return std::make_unique<SyncComponent>(rt, section);
}

SyncComponent::SyncComponent(Runtime& rt, const ConfigNode& n) {
  check_sync_adapters(rt.config->root());
  ConfigNode adapters = rt.config->root().object("adapters");
  std::string source = n.string("source");
  for (auto& a : source_adapters())
    if (a.name == source) source_ = a.make(adapters.object(a.name), *rt.clock);
  // Built once for every flow (destination_adapters): the webhook flow queues through the
  // same objects. check_sync_adapters made sure each has its section.
  dossiers::EventDestinations& built = destination_adapters(rt);
  for (auto& d : n.strings_or("destinations", {"dvcqg"})) {
    if (auto* t = built.find(d)) targets_.push_back(t);
  }
  flow_ = std::make_unique<sync::SyncFlow>(*rt.db, *rt.outbox, *source_, targets_, *rt.clock,
                                           sync::SyncOptions::from_config(n));
  if (auto auditor = make_due_auditor(rt)) {
    auditor_ = std::move(auditor);
    flow_->set_auditor(auditor_.get());
  }
}

void SyncComponent::register_jobs(scheduler::Scheduler& scheduler) {
  // First run right after start-up, then every interval.
  scheduler.add(
      "sync", Millis(flow_->options().interval_ms),
      [this]() -> Status {
        auto r = flow_->pull();  // logs sync_run_finished / sync_run_failed
        if (!r.ok()) return r.error();
        return {};
      },
      Millis(0));
}

void SyncComponent::register_destinations(outbox::Dispatcher& dispatcher) {
  // The targets are the shared destination adapters: `serve` and `lienthong sync` hand them
  // to the dispatcher (register_destination_adapters), also when only webhooks name them.
  // Delivery starts as soon as a pulled page is stored, not at the workers' next poll.
  // The scheduler (which runs pulls) stops before the dispatcher does.
  flow_->set_on_page_stored([&dispatcher] { dispatcher.wake(); });
}

}  // namespace lienthong::app
