// The province's KPI indicators (bộ chỉ số phục vụ người dân, doanh nghiệp), each written
// as the decision writes them: b/a with a = the total and b = the qualifying count.
// Populations and period rules, with the decision's wording, are in docs/kpi.md; in short
// (resolved = status 9 or 10; accepted = any status but 1 and 3):
//  on_time                    a: resolved in the period (by completion time), with a due date
//                             b: of a, completed at or before the due time
//  online_full                a: resolved in the period, of end-to-end online procedures
//                                (online and not online together)
//                             b: of a, submitted online (channel 2)
//  online_payment_procedures  a: procedures of the catalogue deploying online payment
//                             b: of a, with ≥1 dossier received in the period paid online
//  online_payment_dossiers    a: resolved in the period, of procedures that charge a fee and
//                                offer online payment (catalogue)
//                             b: of a, paid online
//  digitised_dossiers         a: accepted dossiers received in the period, by level
//                             b: of a, with digitised components (HoSoCoThanhPhanSoHoa)
//  digitised_results          a: resolved in the period
//                             b: of a, whose result was issued as an electronic document
// Targets per indicator and year: mappings/kpi_targets.json (KpiTargets).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/store/database.hpp"
#include "gateway/flows/kpi/period.hpp"
#include "gateway/flows/kpi/procedures/procedure_catalogue.hpp"

namespace lienthong::codes {
class CodeTables;
}

namespace lienthong::kpi {

enum class GroupBy { kNone, kAgency, kLevel, kProcedure };
Result<GroupBy> parse_group_by(std::string_view s);  // none|agency|level|procedure
std::string_view to_string(GroupBy g);

// Which unit a dossier counts for when the administrative map changed (the 1 July 2025
// reorganisation): as recorded when it was received, or as that unit is now (its code
// translated through the code tables, docs/codes.md). Rules in docs/kpi.md.
enum class GroupAs { kReceived, kNow };
Result<GroupAs> parse_group_as(std::string_view s);  // received|now
std::string_view to_string(GroupAs g);

// Group-name prefixes of dossiers that cannot be placed, followed by the recorded agency
// code, so that they are counted and visible rather than dropped or guessed:
//  now mode: the code has no single current successor (unknown, retired without one, or
//            split without a rule);
//  received mode, by level: the recorded level did not exist on the receipt date (e.g. a
//            "district" dossier received after districts were abolished).
inline constexpr std::string_view kUntranslatablePrefix = "untranslatable:";
// now mode: the agency existed on the receipt date and was retired without successor by
// the as-of date (abolished in a reorganisation); the group is "retired:<code> <name>" so
// that its dossiers are reported by the agency's name.
inline constexpr std::string_view kRetiredPrefix = "retired:";
inline constexpr std::string_view kLevelNotInForcePrefix = "level-not-in-force:";

// "<code> <name>" when `agency` was valid on `received_day` and had been retired without a
// successor by `as_of_day`; nullopt otherwise (current, translated, unknown or split).
std::optional<std::string> retired_without_successor(const codes::CodeTables& tables,
                                                     const std::string& agency, int64_t received_day,
                                                     int64_t as_of_day);

// Ids in report order.
const std::vector<std::string>& indicator_ids();
// "all" or a comma-separated list of ids; kParse naming an unknown id.
Result<std::vector<std::string>> parse_indicators(std::string_view s);

struct IndicatorRow {
  std::string indicator;
  std::string group;             // agency code, level, procedure code, or "total"
  int64_t a = 0;                 // the total (mẫu số), as the decision writes it
  int64_t b = 0;                 // the qualifying count (tử số)
  std::optional<double> ratio;   // b/a; none when a = 0
  std::optional<double> target;  // from the targets file (or kpi.on_time_target)
};

struct KpiReport {
  Period period;
  GroupBy by = GroupBy::kNone;
  GroupAs group_as = GroupAs::kReceived;
  std::optional<int64_t> as_of_day;  // now mode: the date codes were translated to
  std::vector<IndicatorRow> rows;    // per indicator: the groups in order, then "total"
};

class KpiTargets;

struct KpiOptions {
  // Used for on_time when no targets file is given.
  double on_time_target = 0.95;
  // Targets per indicator and year (mappings/kpi_targets.json); null: on_time_target only.
  const KpiTargets* targets = nullptr;
  GroupAs group_as = GroupAs::kReceived;
  // Required for now mode (kConfig otherwise); in received mode used, when present, to
  // tell on which dates a level (district) existed.
  const codes::CodeTables* code_tables = nullptr;
  // Now mode: "today" for the translation, days since 1970-01-01 (Vietnam dates);
  // injected so that a report is reproducible. Required for now mode.
  std::optional<int64_t> as_of_day;
};

Result<KpiReport> compute_kpi(store::Database& db, const procedures::ProcedureCatalogue& catalogue,
                              const Period& period, GroupBy by, const std::vector<std::string>& indicators,
                              const KpiOptions& options = {});

std::string to_csv(const KpiReport& r);
std::string to_json(const KpiReport& r);
std::string to_table(const KpiReport& r);

}  // namespace lienthong::kpi
