// The province's KPI indicators (bộ chỉ số phục vụ người dân, doanh nghiệp), each a ratio
// a/b shown with a and b. Formulas, statuses and the date that places a dossier in the
// period are in docs/kpi.md; in short (resolved = status 9 or 10; accepted = any status
// but 1 (not yet received) and 3 (refused)):
//  on_time                    b: resolved in the period (by completion time), with a due date
//                             a: of b, completed at or before the due time             target 95%
//  online_full                b: accepted dossiers received in the period, of procedures that
//                                are end-to-end online services
//                             a: of b, submitted online (channel 2)
//  online_payment_procedures  b: procedures offering online payment with ≥1 accepted dossier
//                                received in the period
//                             a: of b, procedures with ≥1 such dossier paid online
//  online_payment_dossiers    b: resolved in the period, of procedures that charge a fee
//                             a: of b, paid online
//  digitised_dossiers         b: accepted dossiers received in the period
//                             a: of b, with digitised components (HoSoCoThanhPhanSoHoa)
//  digitised_results          b: resolved in the period
//                             a: of b, whose result was issued as an electronic document
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/result.hpp"
#include "gateway/kpi/period.hpp"
#include "gateway/procedures/procedure_catalogue.hpp"
#include "gateway/store/database.hpp"

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
inline constexpr std::string_view kLevelNotInForcePrefix = "level-not-in-force:";

// Ids in report order.
const std::vector<std::string>& indicator_ids();
// "all" or a comma-separated list of ids; kParse naming an unknown id.
Result<std::vector<std::string>> parse_indicators(std::string_view s);

struct IndicatorRow {
  std::string indicator;
  std::string group;  // agency code, level, procedure code, or "total"
  int64_t a = 0, b = 0;
  std::optional<double> ratio;   // a/b; none when b = 0
  std::optional<double> target;  // on_time: 0.95
};

struct KpiReport {
  Period period;
  GroupBy by = GroupBy::kNone;
  GroupAs group_as = GroupAs::kReceived;
  std::optional<int64_t> as_of_day;  // now mode: the date codes were translated to
  std::vector<IndicatorRow> rows;    // per indicator: the groups in order, then "total"
};

struct KpiOptions {
  double on_time_target = 0.95;
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
