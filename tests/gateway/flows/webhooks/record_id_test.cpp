#include "gateway/flows/webhooks/record_id.hpp"

#include <gtest/gtest.h>

#include "gateway/core/common/json.hpp"

namespace lienthong::webhooks {
namespace {

rapidjson::Document doc(const std::string& text) {
  return json::parse(text).value();
}

SourceConfig dvcqg_source() {
  SourceConfig s;
  s.id = "dvcqg-hs";
  s.auth = AuthMode::kSharedKey;
  s.shared_key_body_field = "SecurityKey";
  s.delivery_id = DeliveryIdSource::kDerived;
  return s;
}

TEST(RecordId, CanonicalJsonSortsMembersAtEveryLevelAndLeavesTheKeyOut) {
  EXPECT_EQ(canonical_json(doc(R"({ "b": [ {"y":1, "x":2} ], "a": "á" })")),
            R"({"a":"á","b":[{"x":2,"y":1}]})");
  EXPECT_EQ(canonical_json(doc(R"({"SecurityKey":"k","data":{"SecurityKey":"inner"}})"), "SecurityKey"),
            R"({"data":{"SecurityKey":"inner"}})");
  EXPECT_EQ(canonical_json(doc(R"({"data":{"k":"x","v":1}})"), "data.k"), R"({"data":{"v":1}})");
}

TEST(RecordId, TheSameRecordGivesTheSameIdWhateverItsLayoutOrKey) {
  SourceConfig s = dvcqg_source();
  auto a = derive_delivery_id(s, doc(R"({"service":"NhanThongBaoThueDat","isUpdating":false,
      "SecurityKey":"key-one","data":{"MaHoSo":"H12.TD-000007","SoTien":50000000}})"));
  auto b = derive_delivery_id(s, doc(R"({"data":{"SoTien":50000000,"MaHoSo":"H12.TD-000007"},
      "SecurityKey":"key-two-after-rotation","isUpdating":false,"service":"NhanThongBaoThueDat"})"));
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_EQ(a.id.rfind("NhanThongBaoThueDat|H12.TD-000007|false|", 0), 0u) << a.id;
  EXPECT_EQ(a.id.size(), std::string("NhanThongBaoThueDat|H12.TD-000007|false|").size() + 64);

  // Any change of content (an amount, the update flag) is another delivery.
  auto c = derive_delivery_id(s, doc(R"({"service":"NhanThongBaoThueDat","isUpdating":false,
      "data":{"MaHoSo":"H12.TD-000007","SoTien":50000001}})"));
  EXPECT_NE(c.id, a.id);
  auto d = derive_delivery_id(s, doc(R"({"service":"NhanThongBaoThueDat","isUpdating":true,
      "data":{"MaHoSo":"H12.TD-000007","SoTien":50000000}})"));
  EXPECT_EQ(d.id.rfind("NhanThongBaoThueDat|H12.TD-000007|true|", 0), 0u) << d.id;
}

TEST(RecordId, MissingPartsAreDashesAndOddBytesAreReplaced) {
  SourceConfig s = dvcqg_source();
  auto a = derive_delivery_id(s, doc(R"({"MaHoSo":"H12 Hồ|sơ"})"));
  // Every byte of "ồ" (3) and "ơ" (2) outside ASCII is replaced, as are ' ' and '|'.
  EXPECT_EQ(a.id.rfind("-|H12_H____s__|-|", 0), 0u) << a.id;
  auto arr = derive_delivery_id(s, doc("[1,2]"));
  EXPECT_EQ(arr.id.rfind("-|-|-|", 0), 0u);
  s.derived_id.dossier = {"maHoSoMCDT"};
  auto long_code = derive_delivery_id(s, doc(R"({"maHoSoMCDT":")" + std::string(300, 'A') + "\"}"));
  EXPECT_LE(long_code.id.size(), 256u);
  for (char ch : long_code.id) EXPECT_TRUE(ch > 0x20 && ch < 0x7f);
}

}  // namespace
}  // namespace lienthong::webhooks
