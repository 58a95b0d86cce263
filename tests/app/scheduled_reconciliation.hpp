// Test support: the reconciliation component of `serve`, its jobs on a scheduler driven by
// a manual clock (the scheduled runs of reconcile_test and reconcile_treasury_api_test).
#pragma once

#include <memory>

#include "app/reconciliation_component.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/core/config/config.hpp"
#include "gateway/core/runtime/component.hpp"
#include "gateway/core/runtime/runtime.hpp"
#include "gateway/core/scheduler/scheduler.hpp"
#include "gateway/core/store/database.hpp"

namespace lienthong::app {

struct ScheduledReconciliation {
  ScheduledReconciliation(std::shared_ptr<ConfigFile> cfg, std::unique_ptr<store::Database> db,
                          ManualClock& clock)
      : sched(clock) {
    rt.config = cfg;
    rt.db = std::move(db);
    rt.clock = &clock;
    auto spec = reconciliation_component();
    auto section = cfg->root().object("reconciliation");
    spec.validate(section);
    component = spec.make(rt, section);
    component->register_jobs(sched);
  }
  Runtime rt;
  std::unique_ptr<Component> component;
  scheduler::Scheduler sched;
};

}  // namespace lienthong::app
