// KPIs over a period straddling the 1 July 2025 reorganisation (Hà Nam 35 + Nam Định 36
// merged into Ninh Bình 37, districts abolished), grouped by unit as received and as now,
// with the sample code tables of mappings/codes. Every a and b below is derived in the
// comments of the data set.
#include <gtest/gtest.h>

#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/flows/codes/code_tables.hpp"
#include "gateway/flows/kpi/indicators.hpp"
#include "gateway/flows/kpi/kpi_query.hpp"
#include "kpi_fixture.hpp"

namespace lienthong::kpi {
namespace {

using testing::T;

struct ReorgSpec {
  const char* code;
  const char* agency;
  const char* level;  // as recorded on the dossier when it was received
  const char* received;
  const char* due;
  const char* resolved;
  bool digitised;
};

// Period 2025-06-01..2025-07-31; every dossier is received and resolved in it.
//                                                                    on time  digitised
const ReorgSpec kDossiers[] = {
    // Sở Xây dựng Hà Nam, merged into Sở Xây dựng Ninh Bình; received before, resolved after.
    {"R1", "000.00.12.H35", "province", "2025-06-10T08:00", "2025-07-10T17:00", "2025-07-05T10:00",
     true},  // y y
    // Sở Xây dựng Nam Định, same merger; late.
    {"R2", "000.00.12.H36", "province", "2025-06-20T08:00", "2025-06-30T17:00", "2025-07-02T10:00",
     false},  // n n
    // Sở Xây dựng Ninh Bình after the merger.
    {"R3", "000.00.12.H37", "province", "2025-07-10T08:00", "2025-07-20T17:00", "2025-07-15T10:00",
     true},  // y y
    // Agency of commune 13288, merged into Phường Phủ Lý (agency 000.21.01.H37).
    {"R4", "000.30.88.H35", "commune", "2025-06-12T08:00", "2025-07-10T17:00", "2025-07-03T10:00",
     true},  // y y
    // The merged commune's agency after the merger; late.
    {"R5", "000.21.01.H37", "commune", "2025-07-08T08:00", "2025-07-15T17:00", "2025-07-20T10:00",
     false},  // n n
    // District People's Committee 356, retired into the commune agency 000.23.01.H37.
    {"R6", "000.20.56.H36", "district", "2025-06-25T08:00", "2025-07-10T17:00", "2025-07-04T10:00",
     true},  // y y
    // District 359, split with an explicit successor, the commune agency 000.22.02.H37; late.
    {"R7", "000.20.59.H36", "district", "2025-06-05T08:00", "2025-06-15T17:00", "2025-06-20T10:00",
     true},  // n y
    // District 347, split by commune; the dossier's commune is unknown: untranslatable.
    {"R8", "000.20.47.H35", "district", "2025-06-15T08:00", "2025-07-10T17:00", "2025-07-01T10:00",
     false},  // y n
    // A district code and level still recorded on 3 July, after districts were abolished
    // (no grace period in the tables): no district figure, and untranslatable as now.
    {"R9", "000.20.56.H36", "district", "2025-07-03T08:00", "2025-07-20T17:00", "2025-07-10T10:00",
     true},  // y y
};

// Written qualifying first, then total (the report's b and a).
struct Expect {
  std::string group;
  int64_t qualifying, total;
};

class ReorgGroupingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tables = codes::CodeTables::load_dir(std::string(LIENTHONG_SOURCE_DIR) + "/mappings/codes");
    ASSERT_TRUE(tables.ok()) << tables.error().message;
    tables_ = std::make_unique<codes::CodeTables>(std::move(*tables));
    db_ = std::move(store::open_sqlite({.path = ":memory:"})).value();
    ASSERT_TRUE(db_->migrate(dossiers::DossierStore::migrations()).ok());
    for (const auto& s : kDossiers) add(s);
  }

  void add(const ReorgSpec& s) {
    dossiers::DossierStore store(*db_);
    int seq = 0;
    for (auto [status, at] : {std::pair{2, s.received}, std::pair{9, s.resolved}}) {
      model::DossierStatusEvent e;
      e.source = "one_stop_shop";
      e.dossier_code = s.code;
      e.procedure_code = testing::kPaper;
      e.channel = 1;
      e.agency_code = s.agency;
      e.agency_level = s.level;
      e.received_at_ms = T(s.received);
      e.due_at_ms = T(s.due);
      e.status = status;
      e.status_at_ms = T(at);
      e.sequence = ++seq;
      if (status == 9) e.finished_at_ms = T(at);
      e.digitised = s.digitised;
      ASSERT_TRUE(store.record(e, T(at)).ok()) << s.code;
    }
  }

  KpiOptions options(GroupAs g) {
    KpiOptions o;
    o.group_as = g;
    o.code_tables = tables_.get();
    if (g == GroupAs::kNow) o.as_of_day = *vn_time::parse_date("2025-09-01");
    return o;
  }

  KpiReport report(GroupBy by, GroupAs g, std::vector<std::string> ids = {"on_time", "digitised_dossiers"}) {
    auto r =
        compute_kpi(*db_, testing::catalogue(), *parse_period("2025-06-01..2025-07-31"), by, ids, options(g));
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : KpiReport{};
  }

  static void expect(const KpiReport& r, const std::string& indicator, const std::vector<Expect>& want) {
    std::vector<IndicatorRow> got;
    for (auto& row : r.rows)
      if (row.indicator == indicator) got.push_back(row);
    ASSERT_EQ(got.size(), want.size()) << indicator;
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got[i].group, want[i].group) << indicator << " row " << i;
      EXPECT_EQ(got[i].a, want[i].total) << indicator << " " << got[i].group;
      EXPECT_EQ(got[i].b, want[i].qualifying) << indicator << " " << got[i].group;
      ASSERT_TRUE(got[i].ratio.has_value());
      EXPECT_NEAR(*got[i].ratio, static_cast<double>(want[i].qualifying) / static_cast<double>(want[i].total),
                  1e-9);
    }
  }

  std::unique_ptr<codes::CodeTables> tables_;
  std::unique_ptr<store::Database> db_;
};

TEST_F(ReorgGroupingTest, ByLevelAsReceivedShowsDistrictsOnlyForDossiersReceivedBeforeTheAbolition) {
  auto r = report(GroupBy::kLevel, GroupAs::kReceived);
  EXPECT_EQ(r.group_as, GroupAs::kReceived);
  // district: R6, R7, R8 (received in June); R9, recorded as district on 3 July, is set
  // apart naming its code. Ratios: province 2/3, commune 1/2, district 2/3.
  expect(r, "on_time",
         {{"commune", 1, 2},                                    // R4 y, R5 n
          {"district", 2, 3},                                   // R6 y, R7 n, R8 y
          {"level-not-in-force:district:000.20.56.H36", 1, 1},  // R9
          {"province", 2, 3},                                   // R1 y, R2 n, R3 y
          {"total", 6, 9}});
  expect(r, "digitised_dossiers",
         {{"commune", 1, 2},   // R4 y, R5 n
          {"district", 2, 3},  // R6 y, R7 y, R8 n
          {"level-not-in-force:district:000.20.56.H36", 1, 1},
          {"province", 2, 3},  // R1 y, R2 n, R3 y
          {"total", 6, 9}});
}

TEST_F(ReorgGroupingTest, ByLevelAsNowAttributesAbolishedDistrictsToTheirSuccessorsLevel) {
  auto r = report(GroupBy::kLevel, GroupAs::kNow);
  EXPECT_EQ(r.group_as, GroupAs::kNow);
  ASSERT_TRUE(r.as_of_day.has_value());
  // No district row: R6 (→ 000.23.01.H37) and R7 (→ 000.22.02.H37) are commune agencies
  // now; R8 (split by commune, commune unknown) and R9 (old code after its end) cannot
  // be translated and are shown by code, not dropped.
  expect(r, "on_time",
         {{"commune", 2, 4},                       // R4 y, R5 n, R6 y, R7 n
          {"province", 2, 3},                      // R1, R2, R3 all Sở Xây dựng Ninh Bình now
          {"untranslatable:000.20.47.H35", 1, 1},  // R8
          {"untranslatable:000.20.56.H36", 1, 1},  // R9
          {"total", 6, 9}});
  expect(r, "digitised_dossiers",
         {{"commune", 3, 4},  // R4 y, R5 n, R6 y, R7 y
          {"province", 2, 3},
          {"untranslatable:000.20.47.H35", 0, 1},
          {"untranslatable:000.20.56.H36", 1, 1},
          {"total", 6, 9}});
  for (auto& row : r.rows) EXPECT_NE(row.group, "district");
}

TEST_F(ReorgGroupingTest, ByAgencyAsReceivedKeepsTheRecordedCodes) {
  auto r = report(GroupBy::kAgency, GroupAs::kReceived, {"on_time"});
  expect(r, "on_time",
         {{"000.00.12.H35", 1, 1},
          {"000.00.12.H36", 0, 1},
          {"000.00.12.H37", 1, 1},
          {"000.20.47.H35", 1, 1},
          {"000.20.56.H36", 2, 2},  // R6 and R9
          {"000.20.59.H36", 0, 1},
          {"000.21.01.H37", 0, 1},
          {"000.30.88.H35", 1, 1},
          {"total", 6, 9}});
}

TEST_F(ReorgGroupingTest, ByAgencyAsNowMergesIntoTodaysAgencies) {
  auto r = report(GroupBy::kAgency, GroupAs::kNow, {"on_time"});
  expect(r, "on_time",
         {{"000.00.12.H37", 2, 3},  // R1 (Hà Nam), R2 (Nam Định), R3
          {"000.21.01.H37", 1, 2},  // R4 (merged commune), R5
          {"000.22.02.H37", 0, 1},  // R7 (split, explicit successor)
          {"000.23.01.H37", 1, 1},  // R6 (district retired into a commune agency)
          {"untranslatable:000.20.47.H35", 1, 1},
          {"untranslatable:000.20.56.H36", 1, 1},
          {"total", 6, 9}});
}

TEST_F(ReorgGroupingTest, AgencyRetiredWithoutSuccessorIsReportedByName) {
  // R10: Ủy ban nhân dân thị xã Duy Tiên (000.20.49.H35), abolished on 1 July 2025 with no
  // successor; received and resolved (on time, digitised) before the abolition.
  add({"R10", "000.20.49.H35", "district", "2025-06-02T08:00", "2025-06-20T17:00", "2025-06-10T10:00", true});
  auto r = report(GroupBy::kAgency, GroupAs::kNow, {"on_time"});
  expect(r, "on_time",
         {{"000.00.12.H37", 2, 3},
          {"000.21.01.H37", 1, 2},
          {"000.22.02.H37", 0, 1},
          {"000.23.01.H37", 1, 1},
          {"retired:000.20.49.H35 Ủy ban nhân dân thị xã Duy Tiên", 1, 1},  // R10, by name
          {"untranslatable:000.20.47.H35", 1, 1},
          {"untranslatable:000.20.56.H36", 1, 1},
          {"total", 7, 10}});
  // By level as now the retired agency has no current level: its own group, by name.
  auto by_level = report(GroupBy::kLevel, GroupAs::kNow, {"on_time"});
  bool found = false;
  for (auto& row : by_level.rows)
    found |= row.group == "retired:000.20.49.H35 Ủy ban nhân dân thị xã Duy Tiên" && row.b == 1;
  EXPECT_TRUE(found) << to_table(by_level);
  // The helper the late register uses.
  auto d = [](const char* s) { return *vn_time::parse_date(s); };
  EXPECT_EQ(retired_without_successor(*tables_, "000.20.49.H35", d("2025-06-02"), d("2025-09-01")),
            "000.20.49.H35 Ủy ban nhân dân thị xã Duy Tiên");
  EXPECT_EQ(retired_without_successor(*tables_, "000.20.49.H35", d("2025-06-02"), d("2025-06-30")),
            std::nullopt);  // not yet retired on the as-of date
  EXPECT_EQ(retired_without_successor(*tables_, "000.00.12.H35", d("2025-06-02"), d("2025-09-01")),
            std::nullopt);  // merged: has a successor
  EXPECT_EQ(retired_without_successor(*tables_, "999.99.99.H99", d("2025-06-02"), d("2025-09-01")),
            std::nullopt);  // unknown
}

TEST_F(ReorgGroupingTest, EveryFormatStatesTheMode) {
  auto received = report(GroupBy::kLevel, GroupAs::kReceived, {"on_time"});
  auto now = report(GroupBy::kLevel, GroupAs::kNow, {"on_time"});
  EXPECT_NE(to_csv(received).find("period,from,to,by,group_as,as_of,"), std::string::npos);
  EXPECT_NE(to_csv(received).find("2025-06-01..2025-07-31,2025-06-01,2025-07-31,level,received,,on_time,"
                                  "district,3,2,0.6667,"),
            std::string::npos);
  EXPECT_NE(to_csv(now).find(",level,now,2025-09-01,on_time,commune,4,2,0.5000,"), std::string::npos);
  EXPECT_NE(to_json(received).find(R"("by":"level","group_as":"received","rows")"), std::string::npos);
  EXPECT_NE(to_json(now).find(R"("by":"level","group_as":"now","as_of":"2025-09-01","rows")"),
            std::string::npos);
  EXPECT_NE(to_table(received).find("by level, units as received\n"), std::string::npos);
  EXPECT_NE(to_table(now).find("by level, units as now (codes translated to 2025-09-01)\n"),
            std::string::npos);
}

TEST_F(ReorgGroupingTest, NowModeWithoutCodeTablesIsRefused) {
  KpiOptions o;
  o.group_as = GroupAs::kNow;
  o.as_of_day = *vn_time::parse_date("2025-09-01");
  auto r = compute_kpi(*db_, testing::catalogue(), *parse_period("2025-07"), GroupBy::kLevel, {"on_time"}, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kConfig);
}

TEST_F(ReorgGroupingTest, QueryTakesGroupAsAndAsOf) {
  auto q = [&](std::map<std::string, std::string> query) {
    return answer_kpi_query(*db_, testing::catalogue(), query, options(GroupAs::kReceived));
  };
  auto now = q({{"period", "2025-06-01..2025-07-31"},
                {"by", "level"},
                {"indicator", "on_time"},
                {"group_as", "now"},
                {"as_of", "2025-09-01"}});
  EXPECT_EQ(now.status, 200) << now.body;
  EXPECT_NE(now.body.find(R"("group_as":"now","as_of":"2025-09-01")"), std::string::npos);
  EXPECT_NE(now.body.find(R"({"indicator":"on_time","group":"commune","a":4,"b":2,)"), std::string::npos);
  EXPECT_EQ(now.body.find(R"("group":"district")"), std::string::npos);
  auto received = q({{"period", "2025-06-01..2025-07-31"}, {"by", "level"}, {"indicator", "on_time"}});
  EXPECT_EQ(received.status, 200);
  EXPECT_NE(received.body.find(R"("group_as":"received")"), std::string::npos);
  EXPECT_NE(received.body.find(R"({"indicator":"on_time","group":"district","a":3,"b":2,)"),
            std::string::npos);
  EXPECT_EQ(q({{"period", "2025-07"}, {"group_as", "then"}}).status, 400);
  EXPECT_EQ(q({{"period", "2025-07"}, {"group_as", "received"}, {"as_of", "2025-09-01"}}).status, 400);
  EXPECT_EQ(q({{"period", "2025-07"}, {"group_as", "now"}, {"as_of", "soon"}}).status, 400);
  // No code tables loaded: now is refused, not silently answered as received.
  auto bare = answer_kpi_query(*db_, testing::catalogue(), {{"period", "2025-07"}, {"group_as", "now"}});
  EXPECT_EQ(bare.status, 409);
}

TEST(GroupAsArgs, ParsesReceivedAndNow) {
  EXPECT_EQ(*parse_group_as("received"), GroupAs::kReceived);
  EXPECT_EQ(*parse_group_as("now"), GroupAs::kNow);
  EXPECT_FALSE(parse_group_as("today").ok());
}

}  // namespace
}  // namespace lienthong::kpi
