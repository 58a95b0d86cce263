#include "gateway/core/model/dossier_event.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "gateway/core/common/json.hpp"

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

// The text written directly must stay the text of the document: stored events and outbox
// payloads written before are compared with new ones byte for byte (a redelivered event
// with different bytes would be a conflict, an outbox message a different one).
TEST(DossierEvent, TheTextIsTheDocumentsTextForEveryShapeOfEvent) {
  auto dom_text = [](const DossierStatusEvent& e) {
    auto d = to_json(e);
    return json::to_string(d);
  };
  DossierStatusEvent bare;
  EXPECT_EQ(to_json_string(bare), dom_text(bare));

  DossierStatusEvent e;
  e.source = "webhook:dkkd";
  e.dossier_code = "000.00.22.H56-261126-0001";
  e.procedure_code = "2.000031.000.00.00.H56";
  e.procedure_name = "Đăng ký thành lập \"công ty\" TNHH\n(một thành viên)\t\x01\x1f/\\";
  e.field_code = "DKKD";
  e.channel = 2;
  e.owner_type = 2;
  e.owner_name = "Công ty Trách nhiệm hữu hạn Hoa Sen ✓";
  e.owner_id_number = "0109000001";
  e.agency_code = "000.00.22.H56";
  e.agency_level = "province";
  e.received_at_ms = 1'795'000'000'000;
  e.due_at_ms = -1;
  e.returned_at_ms = 0;
  e.finished_at_ms = std::numeric_limits<int64_t>::max();
  e.status = 10;
  e.status_at_ms = std::numeric_limits<int64_t>::min();
  e.sequence = 2'147'483'647;
  e.officer = "Trần Thị B";
  e.officer_title = "Chuyên viên";
  e.department = "Phòng Đăng ký kinh doanh";
  e.note = std::string("nul\0inside", 11);
  e.online_payment = true;
  e.digitised = true;
  e.fees = {{"LP01", "Lệ phí", 50000}, {"PHI02", "", 0}};
  e.documents = {{"TP1", "Đơn đề nghị", "https://example.vn/a?b=1&c=\"2\""}, {"", "", ""}};
  e.results = {{"KQ", "Giấy chứng nhận", ""}};
  EXPECT_EQ(to_json_string(e), dom_text(e));
  e.returned_at_ms.reset();
  e.fees.clear();
  e.online_payment = false;
  EXPECT_EQ(to_json_string(e), dom_text(e));
  std::string appended = "prefix:";
  append_json(appended, e);
  EXPECT_EQ(appended, "prefix:" + dom_text(e));
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
