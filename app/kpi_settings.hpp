// Settings shared by the calendar, KPI, late and monitor commands and the "calendar" and
// "kpi" components. Sections:
//   "calendar": {"calendar_dir": "mappings/calendar", "office_hours": {...}}   (calendar_settings.hpp)
//   "kpi": {"procedures": "mappings/procedures.json", "targets": "mappings/kpi_targets.json",
//           "on_time_target": 0.95,
//           "acknowledge_within_working_hours": 8, "at_risk_working_hours": 8}
#pragma once

#include <string>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/runtime/component.hpp"
#include "gateway/flows/calendar/calendar_settings.hpp"
#include "gateway/flows/codes/code_tables.hpp"
#include "gateway/flows/kpi/targets.hpp"

namespace lienthong::app {

struct KpiSettings {
  std::string procedures_path;  // empty: no catalogue (indicators needing it count nothing)
  // Targets per indicator and year; empty: only on_time_target (for on_time).
  std::string targets_path;
  double on_time_target = 0.95;
  int acknowledge_within_working_hours = 8;
  int at_risk_working_hours = 8;
  // The code tables for grouping "as now" (and the dates a level existed): the "codes"
  // section's dir, else ./mappings/codes (relative to the config) when it exists, else
  // empty (grouping as now is then refused).
  std::string codes_dir;
};

// Both throw ConfigError naming the key; absent sections give the defaults (paths
// relative to the config file's directory).
calendar::CalendarSettings calendar_settings(const ConfigNode& root);
KpiSettings kpi_settings(const ConfigNode& root);

ComponentSpec calendar_component_spec();
// "kpi": validation, the migrations of dossiers and late_explanations, and a component
// serving GET /v1/kpi (gateway/flows/kpi/kpi_query.hpp).
ComponentSpec kpi_component_spec();

// The component the spec builds; throws ConfigError when the catalogue cannot be loaded.
// The route translates codes "as now" to the clock's current date unless the request
// gives as_of.
std::unique_ptr<Component> make_kpi_component(store::Database& db, const KpiSettings& settings,
                                              const Clock& clock = SystemClock::instance());

// The code tables of settings.codes_dir, or null when none is configured; throws
// ConfigError when they do not load.
std::shared_ptr<const codes::CodeTables> load_kpi_code_tables(const KpiSettings& settings);

// The targets of settings.targets_path, or null when none is configured; throws
// ConfigError naming the file and key when it does not load.
std::shared_ptr<const kpi::KpiTargets> load_kpi_targets(const KpiSettings& settings);

}  // namespace lienthong::app
