#include "adapters/one_stop_shop/one_stop_shop.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>

#include "gateway/core/common/json.hpp"
#include "sim/one_stop_shop/one_stop_shop_sim.hpp"

namespace lienthong::adapters::one_stop_shop {
namespace {

const mapping::Mapping& the_mapping() {
  static mapping::Mapping m =
      std::move(mapping::Mapping::load_file(std::string(LIENTHONG_SOURCE_DIR) +
                                            "/mappings/one_stop_shop/dossier_event.json")
                    .value());
  return m;
}

constexpr const char* kItem = R"({"ma_ho_so":"000.00.12.H56-241001-0001",
  "thu_tuc":{"ma":"1.003560.000.00.00.H56","ten":"Cấp giấy phép xây dựng","linh_vuc":"G12"},
  "kenh":"truc_tuyen","chu_ho_so":{"ho_ten":"Nguyễn Văn An","loai":"cong_dan","so_giay_to":"001085012345"},
  "don_vi":{"ma":"000.00.12.H56","cap":"tinh"},"ngay_tiep_nhan":"2024-10-01T08:15:00+07:00",
  "ngay_hen_tra":"2024-10-15T17:00:00+07:00","ngay_tra":null,"ngay_ket_thuc_xu_ly":null,
  "thanh_toan_truc_tuyen":true,"so_hoa":true,"le_phi":[{"ma":"LP01","ten":"Lệ phí","so_tien":150000}],
  "tai_lieu":[],"ket_qua":[],
  "lich_su":[{"stt":2,"trang_thai":"da_tiep_nhan","thoi_diem":"2024-10-01T09:00:00+07:00","can_bo":"B",
              "chuc_danh":"Chuyên viên","phong_ban":"Một cửa","noi_dung":"Tiếp nhận"},
             {"stt":1,"trang_thai":"moi_dang_ky","thoi_diem":"2024-10-01T08:15:00+07:00","can_bo":"A",
              "chuc_danh":"Chuyên viên","phong_ban":"Một cửa","noi_dung":"Nộp"}],
  "cap_nhat_luc":"2024-10-01T09:00:00.123+07:00"})";

std::string page_with(const std::string& items) {
  return R"({"items":[)" + items + R"(],"next_cursor":"abc","has_more":true})";
}

TEST(OneStopShopPageTest, ValidPageGivesOneCanonicalEventPerHistoryEntryInOrder) {
  auto p = parse_page(page_with(kItem), the_mapping());
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->next_cursor, "abc");
  EXPECT_TRUE(p->has_more);
  ASSERT_EQ(p->records.size(), 1u);
  const auto& r = p->records[0];
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.dossier_code, "000.00.12.H56-241001-0001");
  ASSERT_EQ(r.events.size(), 2u);
  ASSERT_TRUE(r.events[0].event.ok()) << r.events[0].event.error().message;
  EXPECT_EQ(r.events[0].sequence, 1);
  EXPECT_EQ(r.events[0].event->status, 1);
  EXPECT_EQ(r.events[1].event->status, 2);
  EXPECT_EQ(r.events[1].event->channel, 2);
  EXPECT_EQ(r.events[1].event->agency_level, "province");
}

TEST(OneStopShopPageTest, MalformedJsonIsAProtocolErrorNamingThePosition) {
  auto p = parse_page(R"({"items":[}")", the_mapping());
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().kind, ErrorKind::kProtocol);
  EXPECT_NE(p.error().message.find("line"), std::string::npos) << p.error().message;
}

TEST(OneStopShopPageTest, MissingPagingMembersAreRefusedByName) {
  auto a = parse_page(R"({"next_cursor":"x","has_more":false})", the_mapping());
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("items"), std::string::npos);
  auto b = parse_page(R"({"items":[],"has_more":false})", the_mapping());
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("next_cursor"), std::string::npos);
  auto c = parse_page(R"({"items":[],"next_cursor":"x","has_more":"no"})", the_mapping());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("has_more"), std::string::npos);
}

TEST(OneStopShopPageTest, RecordWithoutDossierCodeIsMarkedAndOthersAreKept) {
  auto p = parse_page(page_with(std::string(R"({"lich_su":[]},)") + kItem), the_mapping());
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->records.size(), 2u);
  ASSERT_TRUE(p->records[0].error);
  EXPECT_NE(p->records[0].error->message.find("ma_ho_so"), std::string::npos);
  EXPECT_FALSE(p->records[1].error);
}

TEST(OneStopShopPageTest, DuplicateHistoryPositionMarksTheRecord) {
  std::string item = kItem;
  item.replace(item.find("\"stt\":2"), 7, "\"stt\":1");
  auto p = parse_page(page_with(item), the_mapping());
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(p->records[0].error);
  EXPECT_NE(p->records[0].error->message.find("stt 1 twice"), std::string::npos);
}

TEST(OneStopShopPageTest, UnknownLocalStatusFailsOnlyThatEvent) {
  std::string item = kItem;
  item.replace(item.find("da_tiep_nhan"), 12, "cho_phe_duyet");
  auto p = parse_page(page_with(item), the_mapping());
  ASSERT_TRUE(p.ok());
  const auto& r = p->records[0];
  ASSERT_FALSE(r.error);
  EXPECT_TRUE(r.events[0].event.ok());
  ASSERT_FALSE(r.events[1].event.ok());
  EXPECT_EQ(r.events[1].event.error().kind, ErrorKind::kMapping);
}

TEST(OneStopShopPageTest, EverySimulatedPageParsesAndInvalidRecordsAreTheOnlyFailures) {
  sim::OneStopShopOptions o;
  o.dossiers = 120;
  o.invalid_share = 0.1;
  sim::OneStopShopData data(o);
  auto res = data.page("", "1000");
  ASSERT_EQ(res.status, 200);
  auto p = parse_page(res.body, the_mapping());
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->records.size(), 120u);
  auto expected = json::parse(data.expected_json());
  ASSERT_TRUE(expected.ok());
  std::set<std::string> invalid;
  for (auto& d : (*expected)["dossiers"].GetArray())
    if (!d["invalid"].IsNull()) invalid.insert(d["ma_ho_so"].GetString());
  int failed_events = 0;
  for (auto& r : p->records) {
    ASSERT_FALSE(r.error);
    for (auto& e : r.events) {
      if (e.event.ok()) continue;
      ++failed_events;
      EXPECT_TRUE(invalid.count(r.dossier_code)) << r.dossier_code << ": " << e.event.error().message;
    }
  }
  // Records with an unknown status, dates out of order or no owner type fail in mapping.
  EXPECT_GT(failed_events, 0);
}

TEST(OneStopShopConfigTest, EmptySectionIsRefusedNamingTheMissingKey) {
  auto cfg = ConfigFile::from_string("{}", LIENTHONG_SOURCE_DIR);
  try {
    validate_config(cfg->root());
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("base_url"), std::string::npos) << e.what();
  }
}

TEST(OneStopShopConfigTest, UnknownTokenKeyIsRefused) {
  auto cfg = ConfigFile::from_string(R"({"base_url":"http://x","token":{"token_url":"http://x/token",)"
                                     R"("client_id":"c","client_secret":{"env":"HOME"},"scopes":"a"}})",
                                     LIENTHONG_SOURCE_DIR);
  EXPECT_THROW(validate_config(cfg->root()), ConfigError);
}

TEST(OneStopShopConfigTest, MinimalSectionIsAccepted) {
  auto cfg =
      ConfigFile::from_string(R"({"base_url":"http://127.0.0.1:1","token":{"token_url":"http://x/token",)"
                              R"("client_id":"c","client_secret":{"env":"HOME"}}})",
                              LIENTHONG_SOURCE_DIR);
  EXPECT_NO_THROW(validate_config(cfg->root()));
}

}  // namespace
}  // namespace lienthong::adapters::one_stop_shop
