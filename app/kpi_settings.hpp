// Settings shared by the calendar, KPI, late and monitor commands and the "calendar" and
// "kpi" components. Sections:
//   "calendar": {"calendar_dir": "mappings/calendar", "office_hours": {...}}   (calendar_settings.hpp)
//   "kpi": {"procedures": "mappings/procedures.json", "on_time_target": 0.95,
//           "acknowledge_within_working_hours": 8, "at_risk_working_hours": 8}
#pragma once

#include <string>

#include "app/component.hpp"
#include "gateway/calendar/calendar_settings.hpp"

namespace lienthong::app {

struct KpiSettings {
  std::string procedures_path;  // empty: no catalogue (indicators needing it count nothing)
  double on_time_target = 0.95;
  int acknowledge_within_working_hours = 8;
  int at_risk_working_hours = 8;
};

// Both throw ConfigError naming the key; absent sections give the defaults (paths
// relative to the config file's directory).
calendar::CalendarSettings calendar_settings(const ConfigNode& root);
KpiSettings kpi_settings(const ConfigNode& root);

ComponentSpec calendar_component_spec();
// "kpi": validation, the migrations of dossiers and late_explanations, and a component
// serving GET /v1/kpi (gateway/kpi/kpi_query.hpp).
ComponentSpec kpi_component_spec();

// The component the spec builds; throws ConfigError when the catalogue cannot be loaded.
std::unique_ptr<Component> make_kpi_component(store::Database& db, const KpiSettings& settings);

}  // namespace lienthong::app
