// Reports a treasury officer can open: exceptions.csv (UTF-8 with BOM so spreadsheets show
// Vietnamese correctly, one row per exception), input_issues.csv, refund_instructions.csv,
// changes.csv (what changed since the previous run), report.json (everything) and summary.json (counts and
// sums by class and agency).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/common/csv.hpp"
#include "gateway/core/common/result.hpp"
#include "gateway/flows/reconciliation/engine.hpp"
#include "gateway/flows/reconciliation/run_store.hpp"

namespace lienthong::reconciliation {

std::string json_escape_text(std::string_view s);
// A CSV field, with the formula-injection guard (gateway/core/common/csv.hpp).
using ::lienthong::csv_field;

// How the CSV reports are written. kStandard: ',' between fields, dates YYYY-MM-DD (what
// Excel on an English locale and every CSV reader expect). kExcelVietnamese: ';' between
// fields and dates dd/mm/yyyy, as Excel on a Vietnamese locale (decimal comma, so its list
// separator is ';') opens a file by double-click. Amounts are whole đồng without grouping in
// both, so they have no decimal separator to localise and read as numbers either way.
enum class CsvFormat : uint8_t { kStandard, kExcelVietnamese };
std::optional<CsvFormat> csv_format_from_string(std::string_view s);  // "standard", "excel_vi"

std::string summary_json(const Summary& s);
// Human-readable summary for the terminal.
std::string summary_text(const RunInfo& info, const RunResult& result, const SavedRun* saved);

std::string exceptions_csv(const RunResult& result, CsvFormat format = CsvFormat::kStandard);
std::string issues_csv(const RunResult& result, CsvFormat format = CsvFormat::kStandard);
std::string refunds_csv(const std::vector<Refund>& refunds, CsvFormat format = CsvFormat::kStandard);
// What changed since the previous run of the period (the diff of report.json), one row per
// item whose reason changed; only the heading when `saved` is null or nothing changed.
std::string changes_csv(const SavedRun* saved, CsvFormat format = CsvFormat::kStandard);
std::string report_json(const RunInfo& info, const RunResult& result, const SavedRun* saved);

// Writes every report into `dir` (created if needed). Each file is written under a
// temporary name and renamed, so a failure leaves no partial report.
Status write_reports(const std::string& dir, const RunInfo& info, const RunResult& result,
                     const SavedRun* saved, CsvFormat format = CsvFormat::kStandard);

}  // namespace lienthong::reconciliation
