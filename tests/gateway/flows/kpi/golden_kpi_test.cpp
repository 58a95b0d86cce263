// Golden tables, hand-computed: five dossiers around the end of June 2025, reported for a
// quarter, for a range straddling the quarter boundary and 1 July 2025, and for the next
// quarter. Two dossiers are completed exactly at their due minute (on time).
#include <gtest/gtest.h>

#include "gateway/flows/kpi/indicators.hpp"
#include "kpi_fixture.hpp"

namespace lienthong::kpi {
namespace {

using testing::T;

struct Golden {
  const char* code;
  const char* procedure;
  const char* agency;
  const char* level;
  int channel;
  const char* received;
  const char* due;
  const char* finished;
  bool paid_online, digitised;
};

//        resolved             on time        online  paid  digitised
// G1 kOnline A1 province  06-30 17:00 = due     yes   yes   yes     received 06-10
// G2 kOnline A1 province  07-02 17:01 > due     late  no    no      received 06-25
// G3 kPaper  B1 district  07-01 09:00           yes   no    yes yes received 06-28
// G4 kFree   C1 commune   07-03 16:59           yes   yes   no  yes received 07-01 00:00
// G5 kOnline C1 commune   04-04 17:00 = due     yes   no    no  no  received 03-31 23:59
const Golden kDossiers[] = {
    {"G1", testing::kOnline, "A1", "province", 2, "2025-06-10T08:00", "2025-06-30T17:00", "2025-06-30T17:00",
     true, true},
    {"G2", testing::kOnline, "A1", "province", 1, "2025-06-25T08:00", "2025-07-02T17:00", "2025-07-02T17:01",
     false, false},
    {"G3", testing::kPaper, "B1", "district", 1, "2025-06-28T08:00", "2025-07-08T17:00", "2025-07-01T09:00",
     true, true},
    {"G4", testing::kFree, "C1", "commune", 2, "2025-07-01T00:00", "2025-07-03T17:00", "2025-07-03T16:59",
     false, true},
    {"G5", testing::kOnline, "C1", "commune", 1, "2025-03-31T23:59", "2025-04-04T17:00", "2025-04-04T17:00",
     false, false},
};

class GoldenKpiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(store::open_sqlite({.path = ":memory:"})).value();
    ASSERT_TRUE(db_->migrate(dossiers::DossierStore::migrations()).ok());
    dossiers::DossierStore store(*db_);
    for (const auto& g : kDossiers) {
      int seq = 0;
      for (auto [status, at] : {std::pair{2, g.received}, std::pair{9, g.finished}}) {
        model::DossierStatusEvent e;
        e.source = "one_stop_shop";
        e.dossier_code = g.code;
        e.procedure_code = g.procedure;
        e.channel = g.channel;
        e.agency_code = g.agency;
        e.agency_level = g.level;
        e.received_at_ms = T(g.received);
        e.due_at_ms = T(g.due);
        e.status = status;
        e.status_at_ms = T(at);
        e.sequence = ++seq;
        if (status == 9) e.finished_at_ms = T(at);
        e.online_payment = g.paid_online;
        e.digitised = g.digitised;
        ASSERT_TRUE(store.record(e, T(at)).ok()) << g.code;
      }
    }
  }
  std::string csv(const char* period, const std::vector<std::string>& ids = indicator_ids()) {
    auto r = compute_kpi(*db_, testing::catalogue(), *parse_period(period), GroupBy::kNone, ids);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? to_csv(*r) : "";
  }
  std::unique_ptr<store::Database> db_;
};

constexpr const char* kHeader = "period,from,to,by,group_as,as_of,indicator,group,a,b,ratio,target\r\n";

TEST_F(GoldenKpiTest, SecondQuarter2025) {
  // Resolved in Q2: G1 (at its due minute), G5 (at its due minute). Received in Q2: G1, G2,
  // G3 (G5 on 31 March 23:59 and G4 on 1 July 00:00 are outside).
  const std::string p = "2025-Q2,2025-04-01,2025-06-30,none,received,,";
  EXPECT_EQ(csv("2025-Q2"), std::string(kHeader) +                           //
                                p + "on_time,total,2,2,1.0000,0.9500\r\n" +  // G1 G5 on time
                                p + "online_full,total,2,1,0.5000,\r\n" +    // G1 online, G5 not
                                p +
                                "online_payment_procedures,total,2,2,1.0000,\r\n" +  // kOnline G1, kPaper G3
                                p + "online_payment_dossiers,total,2,1,0.5000,\r\n" +  // G1 paid, G5 not
                                p + "digitised_dossiers,district,1,1,1.0000,\r\n" +    // G3
                                p + "digitised_dossiers,province,2,1,0.5000,\r\n" +    // G1 yes, G2 no
                                p + "digitised_dossiers,total,3,2,0.6667,\r\n" +       //
                                p + "digitised_results,total,2,0,0.0000,\r\n");        // no electronic result
}

TEST_F(GoldenKpiTest, RangeStraddlingTheQuarterBoundaryAnd1July2025) {
  // Resolved 15 June – 15 July: G1, G2 (one minute late), G3, G4. Received: G2, G3, G4 (G1
  // on 10 June is outside).
  const std::string p = "2025-06-15..2025-07-15,2025-06-15,2025-07-15,none,received,,";
  EXPECT_EQ(csv("2025-06-15..2025-07-15"),
            std::string(kHeader) +                           //
                p + "on_time,total,4,3,0.7500,0.9500\r\n" +  // G2 late
                p + "online_full,total,3,2,0.6667,\r\n" +    // G1 G2 G4; online G1 G4
                p +
                "online_payment_procedures,total,2,1,0.5000,\r\n" +    // kPaper (G3 paid); kOnline: G2 unpaid
                p + "online_payment_dossiers,total,3,2,0.6667,\r\n" +  // G1 G2 G3; paid G1 G3
                p + "digitised_dossiers,commune,1,1,1.0000,\r\n" +     // G4
                p + "digitised_dossiers,district,1,1,1.0000,\r\n" +    // G3
                p + "digitised_dossiers,province,1,0,0.0000,\r\n" +    // G2
                p + "digitised_dossiers,total,3,2,0.6667,\r\n" +       //
                p + "digitised_results,total,4,0,0.0000,\r\n");
}

TEST_F(GoldenKpiTest, ThirdQuarter2025StartsAtMidnight) {
  // Resolved in Q3: G2 (late), G3, G4. Received in Q3: only G4, at 00:00 on 1 July.
  const std::string p = "2025-Q3,2025-07-01,2025-09-30,none,received,,";
  EXPECT_EQ(csv("2025-Q3", {"on_time", "digitised_dossiers"}),
            std::string(kHeader) + p + "on_time,total,3,2,0.6667,0.9500\r\n" + p +
                "digitised_dossiers,commune,1,1,1.0000,\r\n" + p +
                "digitised_dossiers,total,1,1,1.0000,\r\n");
}

}  // namespace
}  // namespace lienthong::kpi
