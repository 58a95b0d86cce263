// The "sync" component: the first flow (one-stop-shop → DVCQG). Built from the "sync"
// section (which source, which destinations, paging and timing) and the adapters'
// sections; used by `serve` (scheduled job + outbox destinations) and `sync` (one run).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/runtime/component.hpp"
#include "gateway/core/runtime/runtime.hpp"
#include "gateway/flows/kpi/due_audit.hpp"
#include "gateway/flows/sync/sync_flow.hpp"

namespace lienthong::app {

class SyncComponent final : public Component {
 public:
  SyncComponent(Runtime& rt, const ConfigNode& section);
  void register_jobs(scheduler::Scheduler& scheduler) override;
  void register_destinations(outbox::Dispatcher& dispatcher) override;
  sync::SyncFlow& flow() { return *flow_; }

 private:
  std::unique_ptr<sync::Source> source_;
  std::vector<sync::SyncTarget*> targets_;    // owned by the runtime's destination adapters
  std::unique_ptr<kpi::DueAuditor> auditor_;  // only with a "kpi" or "calendar" section
  std::unique_ptr<sync::SyncFlow> flow_;
};

// Section "sync": source, destinations, page_size, pull_attempts, pull_backoff_ms,
// max_pages, drain_timeout_seconds, interval_seconds.
void validate_sync_section(const ConfigNode& section);
// Cross-section check: the source and destinations are configured under "adapters".
void check_sync_adapters(const ConfigNode& root);
std::vector<store::Migration> sync_migrations();
// The due-date auditor the sync flow runs on each new event (gateway/flows/kpi/due_audit.hpp):
// only when the config has a "kpi" or "calendar" section, else nullptr. Throws ConfigError
// when the catalogue or calendar files cannot be loaded.
std::unique_ptr<kpi::DueAuditor> make_due_auditor(Runtime& rt);
std::unique_ptr<Component> make_sync_component(Runtime& rt, const ConfigNode& section);

}  // namespace lienthong::app
