#include "gateway/flows/webhooks/procedure_codes.hpp"

#include <gtest/gtest.h>

#include "gateway/core/common/json.hpp"

namespace lienthong::webhooks {
namespace {

constexpr const char* kTable = R"({
  "description": "test",
  "codes": {
    "DKDN-01": "2.001610.000.00.00.H56",
    "HT-GOP-01": {"field": "yeuCau.loai", "values": {"KHAI_SINH": "1.001193.000.00.00.H56",
                                                     "KET_HON": "1.000894.000.00.00.H56"}}
  }})";

ProcedureCodeTable table() {
  return ProcedureCodeTable::parse(kTable, "procedure_codes.json").value();
}

TEST(ProcedureCodes, PlainCodeIsTranslated) {
  auto doc = json::parse("{}").value();
  EXPECT_EQ(table().resolve("DKDN-01", doc).value(), "2.001610.000.00.00.H56");
}

TEST(ProcedureCodes, MergedCodeIsResolvedByTheDiscriminatingField) {
  auto ks = json::parse(R"({"yeuCau": {"loai": "KHAI_SINH"}})").value();
  auto kh = json::parse(R"({"yeuCau": {"loai": "KET_HON"}})").value();
  EXPECT_EQ(table().resolve("HT-GOP-01", ks).value(), "1.001193.000.00.00.H56");
  EXPECT_EQ(table().resolve("HT-GOP-01", kh).value(), "1.000894.000.00.00.H56");
}

TEST(ProcedureCodes, UnmappedCodeIsAMappingErrorNamingTheCode) {
  auto doc = json::parse("{}").value();
  auto r = table().resolve("XYZ-9", doc);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kMapping);
  EXPECT_NE(r.error().message.find("XYZ-9"), std::string::npos);
}

TEST(ProcedureCodes, MergedCodeWithUnknownOrMissingDiscriminatorIsUnmapped) {
  auto other = json::parse(R"({"yeuCau": {"loai": "KHAI_TU"}})").value();
  auto r = table().resolve("HT-GOP-01", other);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("KHAI_TU"), std::string::npos);
  auto none = json::parse("{}").value();
  auto m = table().resolve("HT-GOP-01", none);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("yeuCau.loai"), std::string::npos);
}

TEST(ProcedureCodes, BadFilesAreRefusedNamingTheEntry) {
  EXPECT_FALSE(ProcedureCodeTable::parse("[]", "f").ok());
  EXPECT_FALSE(ProcedureCodeTable::parse(R"({"codes": {}, "extra": 1})", "f").ok());
  auto r = ProcedureCodeTable::parse(R"({"codes": {"A": {"field": "x"}}})", "f");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("codes.A.values"), std::string::npos);
  EXPECT_FALSE(ProcedureCodeTable::parse(R"({"codes": {"A": 5}})", "f").ok());
  EXPECT_FALSE(
      ProcedureCodeTable::parse(R"({"codes": {"A": {"field": "x", "values": {"v": ""}}}})", "f").ok());
}

}  // namespace
}  // namespace lienthong::webhooks
