// A small hand-built data set for the KPI and monitor tests (period 2023-Q2). Every
// expected a and b in the tests is derived in the comments next to the dossiers here.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/flows/kpi/late_register.hpp"
#include "gateway/flows/kpi/procedures/procedure_catalogue.hpp"

namespace lienthong::kpi::testing {

inline int64_t T(const char* local) {
  return *vn_time::parse_iso(local);
}

inline constexpr const char* kOnline = "1.000001.000.00.00.H56";   // full online, fee, online payment
inline constexpr const char* kFree = "1.000002.000.00.00.H56";     // full online, no fee
inline constexpr const char* kPaper = "1.000003.000.00.00.H56";    // not online, fee, online payment
inline constexpr const char* kNoPay = "1.000004.000.00.00.H56";    // not online, fee, no online payment
inline constexpr const char* kUnknown = "9.999999.000.00.00.H56";  // not in the catalogue

inline procedures::ProcedureCatalogue catalogue() {
  auto c = procedures::ProcedureCatalogue::parse(R"({"procedures": [
    {"code": "1.000001.000.00.00.H56", "name": "online", "deadline_working_days": 5,
     "full_online": true, "requires_fee": true, "online_payment": true},
    {"code": "1.000002.000.00.00.H56", "name": "free", "deadline_working_days": 3,
     "full_online": true, "requires_fee": false, "online_payment": false},
    {"code": "1.000003.000.00.00.H56", "name": "paper", "deadline_working_days": 15,
     "full_online": false, "requires_fee": true, "online_payment": true},
    {"code": "1.000004.000.00.00.H56", "name": "nopay", "deadline_working_days": 7,
     "full_online": false, "requires_fee": true, "online_payment": false}]})",
                                                 "test-catalogue");
  EXPECT_TRUE(c.ok());
  return *c;
}

struct Spec {
  const char* code;
  const char* procedure;
  const char* agency;
  const char* level;
  int channel;
  const char* received;
  const char* due;
  std::vector<std::pair<int, const char*>> statuses;  // (status, at) in order
  const char* finished = nullptr;
  bool paid_online = false;
  bool digitised = false;
  bool result_url = false;
  int64_t fee = 0;
};

class KpiFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(store::open_sqlite({.path = ":memory:"})).value();
    seed(*db_);
  }

 public:
  // The data set into `db` (any backend), its tables created first. Also used by the
  // PostgreSQL tests to compare reports between the two backends.
  static void seed(store::Database& db) {
    auto m = dossiers::DossierStore::migrations();
    auto l = LateRegister::migrations();
    m.insert(m.end(), l.begin(), l.end());
    ASSERT_TRUE(db.migrate(m).ok());
    // Agencies: A1 province, B1 district, C1 commune.
    const Spec specs[] = {
        // resolved on time; online; paid; digitised; electronic result
        {"D1",
         kOnline,
         "A1",
         "province",
         2,
         "2023-04-03T08:00",
         "2023-04-10T17:00",
         {{1, "2023-04-03T08:00"}, {2, "2023-04-03T09:00"}, {10, "2023-04-07T15:00"}},
         "2023-04-07T10:00",
         true,
         true,
         true},
        // resolved late; in person; not paid
        {"D2",
         kOnline,
         "A1",
         "province",
         1,
         "2023-04-05T08:00",
         "2023-04-12T17:00",
         {{2, "2023-04-05T08:00"}, {9, "2023-04-20T10:00"}},
         "2023-04-20T10:00"},
        // resolved on time; online; no fee; digitised; electronic result. Submitted on a
        // compensatory day off (2 May 2023): the 8 working hours start on 4 May.
        {"D3",
         kFree,
         "B1",
         "district",
         2,
         "2023-05-02T10:00",
         "2023-05-09T17:00",
         {{1, "2023-05-02T10:00"}, {2, "2023-05-04T15:00"}, {9, "2023-05-05T09:00"}},
         "2023-05-05T09:00",
         false,
         true,
         true},
        // resolved on time; in person; fee but not paid online; digitised
        {"D4",
         kPaper,
         "B1",
         "district",
         1,
         "2023-05-10T08:00",
         "2023-05-31T17:00",
         {{2, "2023-05-10T08:00"}, {10, "2023-05-31T08:00"}},
         "2023-05-30T16:00",
         false,
         true},
        // open, in progress, due 9 June: overdue by July
        {"D5",
         kNoPay,
         "C1",
         "commune",
         1,
         "2023-06-01T08:00",
         "2023-06-09T17:00",
         {{2, "2023-06-01T08:00"}, {4, "2023-06-02T08:00"}}},
        // refused: not an accepted dossier
        {"D6",
         kOnline,
         "C1",
         "commune",
         2,
         "2023-06-05T08:00",
         "2023-06-12T17:00",
         {{1, "2023-06-05T08:00"}, {3, "2023-06-05T09:00"}}},
        // received in March, resolved late in April: counts for resolved-in-period indicators only
        {"D7",
         kOnline,
         "C1",
         "commune",
         2,
         "2023-03-27T08:00",
         "2023-03-31T17:00",
         {{1, "2023-03-27T08:00"}, {2, "2023-03-27T08:30"}, {9, "2023-04-03T10:00"}},
         "2023-04-03T10:00",
         true,
         true},
        // received in June, resolved in July: counts for received-in-period indicators only;
        // acknowledged two days after online submission: late acknowledgement
        {"D8",
         kPaper,
         "A1",
         "province",
         2,
         "2023-06-20T10:00",
         "2023-07-11T17:00",
         {{1, "2023-06-20T10:00"}, {2, "2023-06-22T09:00"}, {10, "2023-07-03T10:00"}},
         "2023-07-03T10:00",
         false,
         true},
        // withdrawn after acceptance: still an accepted dossier
        {"D9",
         kOnline,
         "B1",
         "district",
         1,
         "2023-04-10T08:00",
         "2023-04-17T17:00",
         {{2, "2023-04-10T08:00"}, {7, "2023-04-11T08:00"}}},
        // submitted online, never acknowledged: not yet an accepted dossier
        {"D10",
         kOnline,
         "A1",
         "province",
         2,
         "2023-06-28T08:00",
         "2023-07-05T17:00",
         {{1, "2023-06-28T08:00"}}},
        // procedure unknown to the catalogue, fee charged: counts as fee-requiring; paid online
        {"D11",
         kUnknown,
         "A1",
         "province",
         1,
         "2023-05-15T08:00",
         "2023-05-22T17:00",
         {{2, "2023-05-15T08:00"}, {9, "2023-05-16T10:00"}},
         "2023-05-16T10:00",
         true,
         false,
         false,
         50000},
    };
    dossiers::DossierStore store(db);
    for (const auto& s : specs) {
      int seq = 0;
      for (auto& [status, at] : s.statuses) {
        model::DossierStatusEvent e;
        e.source = "one_stop_shop";
        e.dossier_code = s.code;
        e.procedure_code = s.procedure;
        e.channel = s.channel;
        e.agency_code = s.agency;
        e.agency_level = s.level;
        e.received_at_ms = T(s.received);
        e.due_at_ms = T(s.due);
        e.status = status;
        e.status_at_ms = T(at);
        e.sequence = ++seq;
        if ((status == 9 || status == 10) && s.finished) e.finished_at_ms = T(s.finished);
        if (status == 10) e.returned_at_ms = T(at);
        e.online_payment = s.paid_online;
        e.digitised = s.digitised;
        if (s.fee > 0) e.fees = {{"LP", "Lệ phí", s.fee}};
        if ((status == 9 || status == 10) && s.result_url) {
          e.results = {{"KQ", "Kết quả", "https://storage.example.gov.vn/kq/" + std::string(s.code)}};
        }
        auto r = store.record(e, T(at));
        ASSERT_TRUE(r.ok()) << s.code << ": " << r.error().message;
      }
    }
  }

 protected:
  std::unique_ptr<store::Database> db_;
};

}  // namespace lienthong::kpi::testing
