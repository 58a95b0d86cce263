// lienthong kpi | late | monitor: the province's indicators, the register of late-dossier
// explanations and the monitors, over the gateway's store.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <iostream>

#include "app/cli.hpp"
#include "app/commands.hpp"
#include "app/kpi_settings.hpp"
#include "gateway/core/common/csv.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/runtime/args.hpp"
#include "gateway/core/runtime/runtime.hpp"
#include "gateway/flows/kpi/due_audit.hpp"
#include "gateway/flows/kpi/indicators.hpp"
#include "gateway/flows/kpi/late_register.hpp"
#include "gateway/flows/kpi/monitors.hpp"

namespace lienthong::app {

namespace {

using Table = std::vector<std::vector<std::string>>;  // first row: headers

void print(const Table& t, const std::string& format, const char* json_key) {
  if (format == "csv") {
    for (auto& row : t) std::cout << csv_row(row, "\r\n");
  } else if (format == "json") {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key(json_key);
    w.StartArray();
    for (size_t r = 1; r < t.size(); ++r) {
      w.StartObject();
      for (size_t i = 0; i < t[0].size(); ++i) {
        w.Key(t[0][i].c_str());
        w.String(t[r][i].c_str());
      }
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    std::cout << buf.GetString() << "\n";
  } else {
    std::vector<size_t> width(t[0].size(), 0);
    for (auto& row : t) {
      for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    }
    for (auto& row : t) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) {
        line += row[i] + std::string(width[i] - row[i].size(), ' ') + (i + 1 < row.size() ? "  " : "");
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      std::cout << line << "\n";
    }
    if (t.size() == 1) std::cout << "(none)\n";
  }
}

std::string format_of(const Args& args, const char* fallback) {
  std::string f = args.option_or("format", fallback);
  if (f != "table" && f != "csv" && f != "json") throw UsageError("--format must be table, csv or json");
  return f;
}

std::pair<int64_t, int64_t> window(const Args& args) {
  auto p = args.option("period");
  if (!p) return {INT64_MIN / 2, INT64_MAX / 2};
  auto period = kpi::parse_period(*p);
  if (!period.ok()) throw UsageError(period.error().message);
  return {period->from_ms(), period->to_ms()};
}

std::string iso_opt(std::optional<int64_t> ms) {
  return ms ? vn_time::format_iso(*ms) : "";
}
std::string hours(int64_t minutes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(minutes) / 60.0);
  return buf;
}

int64_t vietnam_day(int64_t ms) {
  auto t = vn_time::to_vietnam(ms);
  return vn_time::days_from_civil(t.year, t.month, t.day);
}

struct Context {
  Runtime rt;
  KpiSettings settings;
  procedures::ProcedureCatalogue catalogue;
  std::optional<calendar::DeadlineCalculator> calc;
};

Context open_context(const Args& args) {
  Context c{open_runtime(config_path(args), StoreAccess::kExisting), {}, {}, std::nullopt};
  ConfigNode root = c.rt.config->root();
  c.settings = kpi_settings(root);
  if (!c.settings.procedures_path.empty()) {
    auto cat = procedures::ProcedureCatalogue::load(c.settings.procedures_path);
    if (!cat.ok()) throw ConfigError(cat.error().message);
    c.catalogue = std::move(*cat);
  } else {
    std::cerr << "note: no procedure catalogue (kpi.procedures); indicators that need it count no dossiers\n";
  }
  auto calc = calendar::make_calculator(calendar_settings(root));
  if (!calc.ok()) throw ConfigError(calc.error().message);
  c.calc.emplace(std::move(*calc));
  return c;
}

int fail(const Error& e, const char* cmd) {
  std::cerr << "lienthong " << cmd << ": " << e.message << "\n";
  return kExitFailure;
}

const cli::CommandSpec& kpi_spec() {
  static const cli::CommandSpec s{
      "kpi",
      "The province's indicators (each b/a as the decision writes them: a = total, b = qualifying; formulas "
      "and targets (kpi.targets) in docs/kpi.md): on_time, online_full, online_payment_procedures, "
      "online_payment_dossiers, digitised_dossiers, digitised_results.",
      "--group-as: units as recorded when each dossier was received (default), or as they are now: agency\n"
      "codes translated through the code tables (codes.dir) to --as-of (default today); codes without one\n"
      "current successor are shown as untranslatable:CODE, agencies abolished without successor as\n"
      "retired:CODE NAME.",
      {cli::config_option()},
      {"",
       "",
       {},
       {{"period", "2023-Q2|2023-05|2023|2023-04-01..2023-06-30", "the period (required)"},
        {"by", "none|agency|level|procedure", "grouping (default none)"},
        {"indicator", "all|ID,ID...", "which indicators (default all)"},
        {"group-as", "received|now", "units as received (default) or as they are now"},
        {"as-of", "YYYY-MM-DD", "with --group-as now: the day of the code tables (default today)"}},
       true},
      {}};
  return s;
}

const cli::CommandSpec& late_spec() {
  static const cli::CommandSpec s{
      "late",
      "Late dossiers and the register of explanations and apologies.",
      "",
      {cli::config_option()},
      {},
      {{"list",
        "late dossiers (resolved after due, or open past due) received in the period that have no recorded "
        "explanation",
        {},
        {{"period", "P", "the period, as for kpi --period (default: all)"},
         {"all", "", "the explained ones too"}},
        true},
       {"explain",
        "records the explanation and the apology letter sent to the citizen",
        {{"DOSSIER", "the dossier's code"}},
        {{"reason", "TEXT", "why it is late (required)"},
         {"apology", "REF", "the apology letter's reference (required)"},
         {"by", "NAME", "who records it (required)"},
         {"new-due", "TIME", "the new due time promised, ISO 8601"}}},
       {"export",
        "the register of explanations recorded in the period (csv, the default, or json)",
        {},
        {{"period", "P", "the period, as for kpi --period (default: all)"}},
        true}}};
  return s;
}

const cli::CommandSpec& monitor_spec() {
  static const cli::CommandSpec s{
      "monitor",
      "Unacknowledged online dossiers, dossiers at risk or overdue, due-date mismatches.",
      "",
      {cli::config_option()},
      {},
      {{"ack",
        "online dossiers submitted in the period not acknowledged (accepted, refused or asked for more "
        "papers) within kpi.acknowledge_within_working_hours (default 8) working hours",
        {},
        {{"period", "P", "the period, as for kpi --period (default: all)"}},
        true},
       {"deadlines",
        "open dossiers due within kpi.at_risk_working_hours (default 8) or overdue",
        {},
        {},
        true},
       {"due",
        "dossiers whose latest due-date audit by the sync flow found a due date earlier or later than "
        "the legal one (docs/kpi.md)",
        {},
        {},
        true}}};
  return s;
}

}  // namespace

int run_kpi(const std::vector<std::string>& argv) {
  auto parsed = cli::parse(kpi_spec(), argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
  if (!args.option("period")) {
    std::cout << cli::help(kpi_spec());
    return kExitUsage;
  }
  auto period = kpi::parse_period(args.required("period"));
  if (!period.ok()) throw UsageError(period.error().message);
  auto by = kpi::parse_group_by(args.option_or("by", "none"));
  if (!by.ok()) throw UsageError(by.error().message);
  auto ids = kpi::parse_indicators(args.option_or("indicator", "all"));
  if (!ids.ok()) throw UsageError(ids.error().message);
  auto group_as = kpi::parse_group_as(args.option_or("group-as", "received"));
  if (!group_as.ok()) throw UsageError(group_as.error().message);
  std::optional<int64_t> as_of;
  if (auto a = args.option("as-of")) {
    if (*group_as != kpi::GroupAs::kNow) throw UsageError("--as-of applies only to --group-as now");
    as_of = vn_time::parse_date(*a);
    if (!as_of) throw UsageError("--as-of '" + a->substr(0, 32) + "' is not a date YYYY-MM-DD");
  }
  std::string format = format_of(args, "table");
  Context c = open_context(args);
  auto tables = load_kpi_code_tables(c.settings);
  if (*group_as == kpi::GroupAs::kNow && !tables)
    throw ConfigError(
        "--group-as now needs the code tables: set codes.dir in the config or keep them in "
        "./mappings/codes (see docs/codes.md)");
  if (*group_as == kpi::GroupAs::kNow && !as_of) {
    auto t = vn_time::to_vietnam(c.rt.clock->now_ms());
    as_of = vn_time::days_from_civil(t.year, t.month, t.day);
  }
  auto targets = load_kpi_targets(c.settings);
  kpi::KpiOptions options;
  options.on_time_target = c.settings.on_time_target;
  options.targets = targets.get();
  options.group_as = *group_as;
  options.code_tables = tables.get();
  options.as_of_day = as_of;
  auto report = kpi::compute_kpi(*c.rt.db, c.catalogue, *period, *by, *ids, options);
  if (!report.ok()) return fail(report.error(), "kpi");
  if (format == "csv") {
    std::cout << kpi::to_csv(*report);
  } else if (format == "json") {
    std::cout << kpi::to_json(*report) << "\n";
  } else {
    std::cout << kpi::to_table(*report);
  }
  return kExitOk;
}

int run_late(const std::vector<std::string>& argv) {
  auto parsed = cli::parse(late_spec(), argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
  const std::string sub = args.positional()[0];
  Context c = open_context(args);
  const int64_t now = c.rt.clock->now_ms();
  if (sub == "list") {
    auto [from, to] = window(args);
    auto found = kpi::late_dossiers(*c.rt.db, *c.calc, now, from, to, !args.flag("all"));
    if (!found.ok()) return fail(found.error(), "late");
    // Dossiers of an agency abolished without successor stay in the register, with the
    // agency's name (from the code tables, when configured) so that someone answers for them.
    auto tables = load_kpi_code_tables(c.settings);
    const int64_t today = vietnam_day(now);
    Table t = {{"dossier", "procedure", "agency", "level", "status", "due", "completed", "late_working_hours",
                "state", "explained", "agency_retired"}};
    for (auto& f : *found) {
      std::string retired;
      if (tables) {
        retired = kpi::retired_without_successor(*tables, f.agency_code, vietnam_day(f.received_at_ms), today)
                      .value_or("");
      }
      t.push_back({f.dossier_code, f.procedure_code, f.agency_code, f.agency_level, std::to_string(f.status),
                   vn_time::format_iso(f.due_at_ms), iso_opt(f.completed_at_ms),
                   hours(f.late_working_minutes), f.timeliness, f.explained ? "yes" : "no", retired});
    }
    print(t, format_of(args, "table"), "late_dossiers");
    return kExitOk;
  }
  kpi::LateRegister reg(*c.rt.db);
  if (sub == "explain") {
    kpi::LateExplanation e;
    e.dossier_code = args.positional_at(1, "DOSSIER");
    e.reason = args.required("reason");
    e.apology_ref = args.required("apology");
    e.recorded_by = args.required("by");
    if (auto nd = args.option("new-due")) {
      auto ms = vn_time::parse_iso(*nd);
      if (!ms) throw UsageError("--new-due '" + *nd + "' is not an ISO 8601 time");
      e.new_due_at_ms = *ms;
    }
    e.recorded_at_ms = now;
    auto st = reg.record(e);
    if (!st.ok()) return fail(st.error(), "late");
    std::cout << "recorded the explanation for dossier " << e.dossier_code << "\n";
    return kExitOk;
  }
  auto [from, to] = window(args);
  auto rows = reg.list(from, to);
  if (!rows.ok()) return fail(rows.error(), "late");
  std::string format = args.option_or("format", "csv");
  if (format == "csv") {
    std::cout << kpi::to_csv(*rows);
  } else if (format == "json") {
    std::cout << kpi::to_json(*rows) << "\n";
  } else {
    throw UsageError("--format must be csv or json for export");
  }
  return kExitOk;
}

int run_monitor(const std::vector<std::string>& argv) {
  auto parsed = cli::parse(monitor_spec(), argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
  const std::string sub = args.positional()[0];
  std::string format = format_of(args, "table");
  Context c = open_context(args);
  const int64_t now = c.rt.clock->now_ms();
  if (sub == "ack") {
    auto [from, to] = window(args);
    auto found = kpi::unacknowledged_online(*c.rt.db, *c.calc, now, from, to,
                                            c.settings.acknowledge_within_working_hours);
    if (!found.ok()) return fail(found.error(), "monitor");
    Table t = {{"dossier", "procedure", "agency", "submitted", "deadline", "acknowledged", "state"}};
    for (auto& f : *found) {
      t.push_back({f.dossier_code, f.procedure_code, f.agency_code, vn_time::format_iso(f.submitted_at_ms),
                   vn_time::format_iso(f.deadline_ms), iso_opt(f.acknowledged_at_ms), f.state});
    }
    print(t, format, "unacknowledged");
    return kExitOk;
  }
  if (sub == "due") {
    auto found = kpi::DueAuditLog(*c.rt.db).mismatches();
    if (!found.ok()) return fail(found.error(), "monitor");
    Table t = {
        {"dossier", "procedure", "agency", "reported_due", "legal_due", "outcome", "office_hours_off"}};
    for (auto& f : *found) {
      t.push_back({f.dossier_code, f.procedure_code, f.agency_code, vn_time::format_iso(f.reported_due_ms),
                   iso_opt(f.computed_due_ms), f.outcome, hours(f.office_minutes_off)});
    }
    print(t, format, "due_mismatches");
    return kExitOk;
  }
  auto found = kpi::deadline_watch(*c.rt.db, *c.calc, now, int64_t{c.settings.at_risk_working_hours} * 60);
  if (!found.ok()) return fail(found.error(), "monitor");
  Table t = {{"dossier", "procedure", "agency", "status", "due", "working_hours_left", "state"}};
  for (auto& f : *found) {
    t.push_back({f.dossier_code, f.procedure_code, f.agency_code, std::to_string(f.status),
                 vn_time::format_iso(f.due_at_ms), hours(f.working_minutes_left), f.timeliness});
  }
  print(t, format, "deadlines");
  return kExitOk;
}

}  // namespace lienthong::app
