#include "gateway/flows/reconciliation/report.hpp"

#include <gtest/gtest.h>

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
  for (auto f :
       {"exceptions.csv", "input_issues.csv", "refund_instructions.csv", "summary.json", "report.json"}) {
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

}  // namespace
}  // namespace lienthong::reconciliation
