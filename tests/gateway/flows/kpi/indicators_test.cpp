#include "gateway/flows/kpi/indicators.hpp"

#include <gtest/gtest.h>

#include <map>

#include "gateway/flows/kpi/targets.hpp"
#include "kpi_fixture.hpp"

namespace lienthong::kpi {
namespace {

using testing::KpiFixture;

// Written qualifying first, then total; the report's a is the total and b the qualifying
// count, as the decision writes them.
struct Expect {
  std::string group;
  int64_t qualifying, total;
  std::optional<double> ratio;
};

class IndicatorsTest : public KpiFixture {
 protected:
  std::vector<IndicatorRow> rows(const std::string& indicator, GroupBy by, const char* period = "2023-Q2") {
    auto r = compute_kpi(*db_, testing::catalogue(), *parse_period(period), by, {indicator});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->rows : std::vector<IndicatorRow>{};
  }
  void expect(const std::vector<IndicatorRow>& got, const std::vector<Expect>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got[i].group, want[i].group);
      EXPECT_EQ(got[i].a, want[i].total) << got[i].indicator << " " << got[i].group;
      EXPECT_EQ(got[i].b, want[i].qualifying) << got[i].indicator << " " << got[i].group;
      ASSERT_EQ(got[i].ratio.has_value(), want[i].ratio.has_value());
      if (want[i].ratio) {
        EXPECT_NEAR(*got[i].ratio, *want[i].ratio, 1e-9);
      }
    }
  }
};

TEST_F(IndicatorsTest, OnTimeCountsDossiersResolvedInThePeriod) {
  // Resolved in Q2: D1 on time, D2 late, D3 on time, D4 on time, D7 late (received in March),
  // D11 on time. D8 finished in July: outside. Withdrawn D9, refused D6, open D5: excluded.
  expect(rows("on_time", GroupBy::kNone), {{"total", 4, 6, 4.0 / 6}});
  expect(rows("on_time", GroupBy::kLevel), {{"commune", 0, 1, 0.0},
                                            {"district", 2, 2, 1.0},
                                            {"province", 2, 3, 2.0 / 3},
                                            {"total", 4, 6, 4.0 / 6}});
  auto r = rows("on_time", GroupBy::kNone);
  ASSERT_TRUE(r[0].target.has_value());
  EXPECT_DOUBLE_EQ(*r[0].target, 0.95);
}

TEST_F(IndicatorsTest, OnTimeByAgencyAndProcedure) {
  expect(rows("on_time", GroupBy::kAgency),
         {{"A1", 2, 3, 2.0 / 3}, {"B1", 2, 2, 1.0}, {"C1", 0, 1, 0.0}, {"total", 4, 6, 4.0 / 6}});
  // kOnline: D1 on time, D2 late, D7 late; kFree: D3; kPaper: D4; unknown: D11.
  expect(rows("on_time", GroupBy::kProcedure), {{testing::kOnline, 1, 3, 1.0 / 3},
                                                {testing::kFree, 1, 1, 1.0},
                                                {testing::kPaper, 1, 1, 1.0},
                                                {testing::kUnknown, 1, 1, 1.0},
                                                {"total", 4, 6, 4.0 / 6}});
}

TEST_F(IndicatorsTest, OnlineFullAmongDossiersOfEndToEndOnlineServices) {
  // Resolved in Q2, of kOnline/kFree, online and not online together: D1 (online), D2,
  // D3 (online), D7 (online; received in March, resolved in April). D9 was withdrawn, D6
  // refused and D10 not accepted: none resolved.
  expect(rows("online_full", GroupBy::kNone), {{"total", 3, 4, 0.75}});
  expect(rows("online_full", GroupBy::kAgency),
         {{"A1", 1, 2, 0.5}, {"B1", 1, 1, 1.0}, {"C1", 1, 1, 1.0}, {"total", 3, 4, 0.75}});
}

TEST_F(IndicatorsTest, ProceduresWithAnOnlinePaymentAmongThoseOfferingIt) {
  // a: every catalogue procedure deploying online payment: kOnline and kPaper. b: those
  // with a dossier received in Q2 paid online: kOnline (D1).
  expect(rows("online_payment_procedures", GroupBy::kNone), {{"total", 1, 2, 0.5}});
  // A period without dossiers still has the catalogue's procedures as a.
  expect(rows("online_payment_procedures", GroupBy::kNone, "2020"), {{"total", 0, 2, 0.0}});
  // Per agency a procedure counts once where it had dossiers: A1 has kOnline (paid) and
  // kPaper (D8, not paid); B1 has kOnline (D9) and kPaper (D4), neither paid.
  expect(rows("online_payment_procedures", GroupBy::kAgency),
         {{"A1", 1, 2, 0.5}, {"B1", 0, 2, 0.0}, {"total", 1, 2, 0.5}});
}

TEST_F(IndicatorsTest, ResolvedDossiersPaidOnlineAmongFeeProceduresProvidedOnline) {
  // Resolved in Q2, of catalogue procedures with a fee and online payment (kOnline,
  // kPaper): D1 (paid), D2, D4, D7 (paid). D3's procedure has no fee; D11's procedure is not
  // in the catalogue (left out though a fee was paid online).
  expect(rows("online_payment_dossiers", GroupBy::kNone), {{"total", 2, 4, 0.5}});
  expect(rows("online_payment_dossiers", GroupBy::kLevel),
         {{"commune", 1, 1, 1.0}, {"district", 0, 1, 0.0}, {"province", 1, 2, 0.5}, {"total", 2, 4, 0.5}});
}

TEST_F(IndicatorsTest, DigitisedDossiersByLevelAndResults) {
  // Accepted, received in Q2: D1 D2 D3 D4 D5 D8 D9 D11; digitised: D1 D3 D4 D8. Set by level
  // as the decision sets its targets: commune D5; district D3 D4 D9; province D1 D2 D8 D11.
  expect(
      rows("digitised_dossiers", GroupBy::kNone),
      {{"commune", 0, 1, 0.0}, {"district", 2, 3, 2.0 / 3}, {"province", 2, 4, 0.5}, {"total", 4, 8, 0.5}});
  // Resolved in Q2: D1 D2 D3 D4 D7 D11; electronic result: D1 D3.
  expect(rows("digitised_results", GroupBy::kNone), {{"total", 2, 6, 1.0 / 3}});
}

TEST_F(IndicatorsTest, TargetsComeFromTheFileForThePeriodsYearAndLevel) {
  auto targets = KpiTargets::parse(R"({"years": {
      "2022": {"on_time": 0.9},
      "2023": {"on_time": 0.95, "online_full": 0.6, "online_payment_procedures": 0.6,
               "online_payment_dossiers": 0.3,
               "digitised_dossiers": {"province": 0.3, "district": 0.25, "commune": 0.15},
               "digitised_results": null}}})",
                                   "targets.json");
  ASSERT_TRUE(targets.ok()) << targets.error().message;
  KpiOptions o;
  o.on_time_target = 0.5;  // not used: the file has a target for on_time
  o.targets = &*targets;
  auto r =
      compute_kpi(*db_, testing::catalogue(), *parse_period("2023-Q2"), GroupBy::kNone, indicator_ids(), o);
  ASSERT_TRUE(r.ok());
  std::map<std::string, std::optional<double>> got;
  for (auto& row : r->rows) got[row.indicator + "/" + row.group] = row.target;
  EXPECT_EQ(got["on_time/total"], 0.95);
  EXPECT_EQ(got["online_full/total"], 0.6);
  EXPECT_EQ(got["online_payment_procedures/total"], 0.6);
  EXPECT_EQ(got["online_payment_dossiers/total"], 0.3);
  EXPECT_EQ(got["digitised_dossiers/province"], 0.3);
  EXPECT_EQ(got["digitised_dossiers/district"], 0.25);
  EXPECT_EQ(got["digitised_dossiers/commune"], 0.15);
  EXPECT_EQ(got["digitised_dossiers/total"], std::nullopt);  // set per level only
  EXPECT_EQ(got["digitised_results/total"], std::nullopt);
  // 2022's file entry: on_time only.
  auto y2022 = compute_kpi(*db_, testing::catalogue(), *parse_period("2022"), GroupBy::kNone,
                           {"online_full", "on_time"}, o);
  ASSERT_TRUE(y2022.ok());
  EXPECT_EQ(y2022->rows[0].target, std::nullopt);
  EXPECT_EQ(y2022->rows[1].target, 0.9);
  // Before the first year of the file: no target at all.
  auto y2020 = compute_kpi(*db_, testing::catalogue(), *parse_period("2020"), GroupBy::kNone, {"on_time"}, o);
  EXPECT_EQ(y2020->rows[0].target, std::nullopt);
  // Errors name the key.
  auto bad = KpiTargets::parse(R"({"years": {"2025": {"on_time": 95}}})", "t.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("t.json: years.2025.on_time"), std::string::npos) << bad.error().message;
  EXPECT_FALSE(KpiTargets::parse(R"({"years": {"2025": {"speed": 0.5}}})", "t.json").ok());
  EXPECT_FALSE(
      KpiTargets::parse(R"({"years": {"2025": {"digitised_dossiers": {"hamlet": 0.5}}}})", "t.json").ok());
  EXPECT_FALSE(KpiTargets::parse(R"({"years": {"soon": {}}})", "t.json").ok());
}

TEST_F(IndicatorsTest, ShippedTargetsFileLoads) {
  auto t = KpiTargets::load(std::string(LIENTHONG_SOURCE_DIR) + "/mappings/kpi_targets.json");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->target("on_time", 2025), 0.95);
  EXPECT_EQ(t->target("online_full", 2026), 0.6);
  EXPECT_EQ(t->target("online_payment_dossiers", 2025), 0.3);
  EXPECT_EQ(t->target("digitised_dossiers", 2025, "district"), 0.25);
  EXPECT_EQ(t->target("digitised_dossiers", 2025), std::nullopt);
}

TEST_F(IndicatorsTest, PeriodDecidesWhichDossiersCount) {
  // April only: resolved D1 (on time), D2 (late), D7 (late).
  expect(rows("on_time", GroupBy::kNone, "2023-04"), {{"total", 1, 3, 1.0 / 3}});
  // July (a range): D8 resolved on 3 July, on time.
  expect(rows("on_time", GroupBy::kNone, "2023-07-01..2023-07-31"), {{"total", 1, 1, 1.0}});
  // A period with no dossiers: b = 0 and no ratio.
  expect(rows("on_time", GroupBy::kNone, "2020"), {{"total", 0, 0, std::nullopt}});
}

TEST_F(IndicatorsTest, FormatsShowAAndB) {
  auto r = compute_kpi(*db_, testing::catalogue(), *parse_period("2023-Q2"), GroupBy::kNone, {"on_time"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(to_csv(*r),
            "period,from,to,by,group_as,as_of,indicator,group,a,b,ratio,target\r\n"
            "2023-Q2,2023-04-01,2023-06-30,none,received,,on_time,total,6,4,0.6667,0.9500\r\n");
  EXPECT_EQ(
      to_json(*r),
      R"({"period":{"label":"2023-Q2","from":"2023-04-01","to":"2023-06-30"},"by":"none","group_as":"received","rows":[)"
      R"({"indicator":"on_time","group":"total","a":6,"b":4,"ratio":0.6666666666666666,"target":0.95,)"
      R"("meets_target":false}]})");
  EXPECT_NE(to_table(*r).find("66.67%"), std::string::npos);
  EXPECT_NE(to_table(*r).find("95% not met"), std::string::npos);
  EXPECT_NE(to_table(*r).find("by none, units as received\n"), std::string::npos);
}

// A group (an agency code from the one-stop-shop) written as a formula stays text in the CSV.
TEST(IndicatorsCsv, NeutralisesCellsASpreadsheetWouldRunAsFormulas) {
  KpiReport r;
  r.period = *parse_period("2023-Q2");
  r.rows = {{"on_time", "=1+1", 2, 1, 0.5, std::nullopt}, {"on_time", "-5", 1, 1, 1.0, std::nullopt}};
  EXPECT_EQ(to_csv(r),
            "period,from,to,by,group_as,as_of,indicator,group,a,b,ratio,target\r\n"
            "2023-Q2,2023-04-01,2023-06-30,none,received,,on_time,'=1+1,2,1,0.5000,\r\n"
            "2023-Q2,2023-04-01,2023-06-30,none,received,,on_time,-5,1,1,1.0000,\r\n");
}

TEST(IndicatorArgs, ParseIndicatorsAndGroupBy) {
  EXPECT_EQ(parse_indicators("all")->size(), 6u);
  EXPECT_EQ(*parse_indicators("on_time,digitised_results"),
            (std::vector<std::string>{"on_time", "digitised_results"}));
  EXPECT_FALSE(parse_indicators("on_time,bogus").ok());
  EXPECT_EQ(*parse_group_by("level"), GroupBy::kLevel);
  EXPECT_FALSE(parse_group_by("province").ok());
}

}  // namespace
}  // namespace lienthong::kpi
