#include "gateway/model/dossier_event.hpp"

#include <gtest/gtest.h>

namespace lienthong::model {

TEST(DossierEvent, RoundTripsThroughCanonicalJson) {
  DossierStatusEvent e;
  e.source = "one_stop_shop";
  e.dossier_code = "000.00.12.H56-241001-0001";
  e.procedure_code = "1.003560.000.00.00.H56";
  e.channel = 2;
  e.received_at_ms = 1727740800000;
  e.status = 4;
  e.status_at_ms = 1727744400000;
  e.sequence = 3;
  e.returned_at_ms = 1727750000000;
  e.fees.push_back({"LP01", "Lệ phí", 50000});
  e.documents.push_back({"TP1", "Đơn đề nghị", ""});
  auto back = from_json_string(to_json_string(e));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->dossier_code, e.dossier_code);
  EXPECT_EQ(back->returned_at_ms, e.returned_at_ms);
  EXPECT_FALSE(back->finished_at_ms);
  ASSERT_EQ(back->fees.size(), 1u);
  EXPECT_EQ(back->fees[0].amount_vnd, 50000);
  EXPECT_EQ(back->event_key(), "000.00.12.H56-241001-0001#3");
}

TEST(DossierEvent, MissingRequiredFieldIsNamed) {
  auto r = from_json_string(R"({"dossier_code":"X","received_at_ms":1,"status":2,"status_at_ms":1})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("procedure_code"), std::string::npos) << r.error().message;
}

TEST(DossierEvent, StatusOutsidePortalCodesIsRefused) {
  auto r = from_json_string(
      R"({"dossier_code":"X","procedure_code":"P","received_at_ms":1,"status":11,"status_at_ms":1})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("TrangThaiHoSo"), std::string::npos);
}

}  // namespace lienthong::model
