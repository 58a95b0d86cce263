#include "gateway/flows/kpi/late_register.hpp"

#include <gtest/gtest.h>

#include "kpi_fixture.hpp"

namespace lienthong::kpi {
namespace {

using testing::T;

class LateRegisterTest : public testing::KpiFixture {};

TEST_F(LateRegisterTest, RecordsReplacesAndExports) {
  LateRegister reg(*db_);
  ASSERT_TRUE(
      reg.record({"D2", "first reason", "XL-1", std::nullopt, "officer-1", T("2023-04-13T09:00")}).ok());
  ASSERT_TRUE(reg.record({"D5", "missing opinion, \"urgent\"", "XL-2", T("2023-06-20T17:00"), "officer-2",
                          T("2023-06-12T09:00")})
                  .ok());
  ASSERT_TRUE(reg.record({"D2", "waiting for the land office", "XL-3", std::nullopt, "officer-1",
                          T("2023-04-14T09:00")})
                  .ok());
  auto d2 = reg.get("D2");
  ASSERT_TRUE(d2.ok() && d2->has_value());
  EXPECT_EQ((*d2)->apology_ref, "XL-3");
  auto all = reg.list();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(to_csv(*all),
            "dossier_code,reason,apology_ref,new_due_at,recorded_by,recorded_at\r\n"
            "D2,waiting for the land office,XL-3,,officer-1,2023-04-14T09:00:00+07:00\r\n"
            "D5,\"missing opinion, \"\"urgent\"\"\",XL-2,2023-06-20T17:00:00+07:00,officer-2,"
            "2023-06-12T09:00:00+07:00\r\n");
  EXPECT_EQ(
      to_json({(*all)[0]}),
      R"({"explanations":[{"dossier_code":"D2","reason":"waiting for the land office","apology_ref":"XL-3",)"
      R"("new_due_at":null,"recorded_by":"officer-1","recorded_at":"2023-04-14T09:00:00+07:00"}]})");
  auto june = reg.list(T("2023-06-01T00:00"), T("2023-07-01T00:00"));
  ASSERT_EQ(june->size(), 1u);
  EXPECT_EQ((*june)[0].dossier_code, "D5");
}

// Officers open the export in a spreadsheet: a reason typed as a formula stays text.
TEST_F(LateRegisterTest, ExportNeutralisesCellsASpreadsheetWouldRunAsFormulas) {
  std::vector<LateExplanation> rows = {
      {"D2", "=HYPERLINK(\"http://x\")", "+XL-1", std::nullopt, "@officer", T("2023-04-13T09:00")},
      {"D5", "-1+1", "XL-2", std::nullopt, "officer-2", T("2023-04-13T09:00")}};
  EXPECT_EQ(to_csv(rows),
            "dossier_code,reason,apology_ref,new_due_at,recorded_by,recorded_at\r\n"
            "D2,\"'=HYPERLINK(\"\"http://x\"\")\",'+XL-1,,'@officer,2023-04-13T09:00:00+07:00\r\n"
            "D5,'-1+1,XL-2,,officer-2,2023-04-13T09:00:00+07:00\r\n");
}

TEST_F(LateRegisterTest, RefusesUnknownDossierAndMissingFields) {
  LateRegister reg(*db_);
  auto unknown = reg.record({"NOPE", "r", "a", std::nullopt, "o", 1});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(reg.record({"D2", "", "a", std::nullopt, "o", 1}).error().kind, ErrorKind::kValidation);
  EXPECT_EQ(reg.record({"D2", "r", "", std::nullopt, "o", 1}).error().kind, ErrorKind::kValidation);
  EXPECT_EQ(reg.record({"D2", "r", "a", std::nullopt, "", 1}).error().kind, ErrorKind::kValidation);
}

}  // namespace
}  // namespace lienthong::kpi
