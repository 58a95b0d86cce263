// Reports a treasury officer can open: exceptions.csv (UTF-8 with BOM so spreadsheets show
// Vietnamese correctly, one row per exception), input_issues.csv, refund_instructions.csv,
// report.json (everything) and summary.json (counts and sums by class and agency).
#pragma once

#include <string>
#include <vector>

#include "gateway/core/common/csv.hpp"
#include "gateway/core/common/result.hpp"
#include "gateway/flows/reconciliation/engine.hpp"
#include "gateway/flows/reconciliation/run_store.hpp"

namespace lienthong::reconciliation {

std::string json_escape_text(std::string_view s);
// A CSV field, with the formula-injection guard (gateway/core/common/csv.hpp).
using ::lienthong::csv_field;

std::string summary_json(const Summary& s);
// Human-readable summary for the terminal.
std::string summary_text(const RunInfo& info, const RunResult& result, const SavedRun* saved);

std::string exceptions_csv(const RunResult& result);
std::string issues_csv(const RunResult& result);
std::string refunds_csv(const std::vector<Refund>& refunds);
std::string report_json(const RunInfo& info, const RunResult& result, const SavedRun* saved);

// Writes every report into `dir` (created if needed). Each file is written under a
// temporary name and renamed, so a failure leaves no partial report.
Status write_reports(const std::string& dir, const RunInfo& info, const RunResult& result,
                     const SavedRun* saved);

}  // namespace lienthong::reconciliation
