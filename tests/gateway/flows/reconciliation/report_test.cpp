#include "gateway/flows/reconciliation/report.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gateway/core/common/json.hpp"

namespace lienthong::reconciliation {
namespace {

RunResult sample() {
  RunResult r;
  ReconciliationItem it;
  it.key = "PAY:GD1";
  it.reason = ReasonCode::kDuplicatePayment;
  it.reference = "GD1";
  it.dossier = "H12.34-251101-0001";
  it.agency = "Sở Tài nguyên, Môi trường";
  it.portal_amount = 50000;
  it.refund_amount = 50000;
  it.detail = "=cmd|' /C calc'!A0";
  r.items.push_back(it);
  r.summary.by_class[static_cast<int>(ReasonCode::kDuplicatePayment)] = {1, 50000};
  r.summary.by_class[0] = {9, 450000};
  r.summary.by_agency.push_back({"AG", std::vector<ClassTotal>(kReasonCount)});
  r.issues.push_back({"bank.csv", 7, "column 'Số tiền': invalid"});
  return r;
}

TEST(ReconciliationReport, ExceptionsCsvStartsWithBomAndQuotesSafely) {
  std::string csv = exceptions_csv(sample());
  ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv.find("Mã lý do (reason)"), std::string::npos);
  EXPECT_NE(csv.find("\"Sở Tài nguyên, Môi trường\""), std::string::npos);
  EXPECT_NE(csv.find("'=cmd"), std::string::npos);  // no formula execution in spreadsheets
  EXPECT_NE(csv.find("duplicate_payment"), std::string::npos);
}

// Excel on a Vietnamese locale splits on ';' (its list separator, the decimal separator being
// ','): every field stays in its column, a ';' inside text is quoted, dates are dd/mm/yyyy.
TEST(ReconciliationReport, ExcelVietnameseFormatSeparatesBySemicolonWithVietnameseDates) {
  RunResult r = sample();
  r.items[0].date = "2026-11-02";
  r.items[0].detail = "Phí; lệ phí";
  const std::string csv = exceptions_csv(r, CsvFormat::kExcelVietnamese);
  ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  std::stringstream ss(csv.substr(3));
  std::string head, row;
  std::getline(ss, head);
  std::getline(ss, row);
  EXPECT_EQ(head.rfind("Mã lý do (reason);Mô tả (description);Mã giao dịch (reference);", 0), 0u) << head;
  EXPECT_EQ(std::count(head.begin(), head.end(), ';'), 12);
  EXPECT_EQ(head.find(','), std::string::npos) << head;
  EXPECT_NE(row.find(";GD1;H12.34-251101-0001;\"Sở Tài nguyên, Môi trường\";02/11/2026;50000;;;;50000;"),
            std::string::npos)
      << row;
  EXPECT_NE(row.find(";\"Phí; lệ phí\";PAY:GD1"), std::string::npos) << row;
  // The standard format keeps ',' and the ISO date.
  EXPECT_NE(exceptions_csv(r).find(",\"Sở Tài nguyên, Môi trường\",2026-11-02,50000,"), std::string::npos);
  EXPECT_EQ(issues_csv(r, CsvFormat::kExcelVietnamese).substr(3),
            "Tệp (file);Dòng (line);Lý do (reason)\r\nbank.csv;7;column 'Số tiền': invalid\r\n");
  EXPECT_EQ(csv_format_from_string("excel_vi"), CsvFormat::kExcelVietnamese);
  EXPECT_EQ(csv_format_from_string("standard"), CsvFormat::kStandard);
  EXPECT_EQ(csv_format_from_string("excel"), std::nullopt);
}

TEST(ReconciliationReport, SummaryJsonHasCountsAndSumsByClassAndAgency) {
  auto doc = json::parse(summary_json(sample().summary));
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(json::at_path(*doc, "by_class.matched.count")->GetInt64(), 9);
  EXPECT_EQ(json::at_path(*doc, "by_class.duplicate_payment.amount")->GetInt64(), 50000);
  EXPECT_NE(json::at_path(*doc, "by_agency.AG"), nullptr);
}

TEST(ReconciliationReport, WritesAllFilesAsValidDocuments) {
  auto dir = std::filesystem::path(::testing::TempDir()) / "recon_report";
  std::filesystem::remove_all(dir);
  RunInfo info;
  info.id = "Rtest";
  auto r = sample();
  ASSERT_TRUE(write_reports(dir.string(), info, r, nullptr).ok());
  for (auto f : {"exceptions.csv", "input_issues.csv", "refund_instructions.csv", "changes.csv",
                 "summary.json", "report.json"}) {
    EXPECT_TRUE(std::filesystem::exists(dir / f)) << f;
  }
  std::ifstream in(dir / "report.json");
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = json::parse(ss.str());
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ(json::at_path(*doc, "items.0.reason")->GetString(), std::string("duplicate_payment"));
  EXPECT_EQ(json::at_path(*doc, "input_issues.0.line")->GetInt(), 7);
}

// The changes since the previous run as a spreadsheet: one row per changed item, the states
// before and after by reason code, the previous run named, the current state described.
TEST(ReconciliationReport, ChangesCsvHasOneRowPerChangedItemWithBeforeAndAfter) {
  SavedRun saved;
  saved.diff.previous_run = "Rprev";
  saved.diff.changes.push_back({"PAY:GD1", ReasonCode::kPendingSettlement, std::nullopt, "HS1", "GD1"});
  saved.diff.changes.push_back(
      {"PAY:GD2", ReasonCode::kPendingSettlement, ReasonCode::kMissingAtTreasury, "HS2", "GD2"});
  saved.diff.changes.push_back({"BANK:X", std::nullopt, ReasonCode::kUnknownAtPortal, "", "=X"});
  const std::string csv = changes_csv(&saved);
  ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  std::vector<std::string> lines;
  std::stringstream ss(csv.substr(3));
  for (std::string l; std::getline(ss, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 4u) << csv;
  EXPECT_EQ(lines[0].rfind("Khoá (key),Mã hồ sơ (dossier),", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("PAY:GD1,HS1,GD1,Rprev,pending_settlement,matched_or_absent,", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2].rfind("PAY:GD2,HS2,GD2,Rprev,pending_settlement,missing_at_treasury,", 0), 0u)
      << lines[2];
  EXPECT_NE(lines[2].find(std::string(describe(ReasonCode::kMissingAtTreasury))), std::string::npos);
  EXPECT_EQ(lines[3].rfind("BANK:X,,'=X,Rprev,matched_or_absent,unknown_at_portal,", 0), 0u) << lines[3];
  // No stored run, or nothing changed: the heading alone.
  const std::string empty = changes_csv(nullptr);
  EXPECT_EQ(std::count(empty.begin(), empty.end(), '\n'), 1);
}

}  // namespace
}  // namespace lienthong::reconciliation
