#include "gateway/core/mapping/mapping.hpp"

#include <gtest/gtest.h>

#include "gateway/core/common/json.hpp"
#include "gateway/core/model/dossier_event.hpp"

namespace lienthong::mapping {
namespace {

Mapping load(std::string_view text) {
  auto m = Mapping::parse(text, "test.json");
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  return std::move(m).value();
}

rapidjson::Document doc(std::string_view text) {
  auto d = json::parse(text);
  EXPECT_TRUE(d.ok());
  return std::move(d).value();
}

std::string load_error(std::string_view text) {
  auto m = Mapping::parse(text, "bad.json");
  EXPECT_FALSE(m.ok());
  if (m.ok()) return "";
  EXPECT_EQ(m.error().kind, ErrorKind::kConfig);
  return m.error().message;
}

std::string apply_error(const Mapping& m, std::string_view src, const Context& ctx = {}) {
  auto out = m.apply(doc(src), ctx);
  EXPECT_FALSE(out.ok());
  if (out.ok()) return json::to_string(*out);
  EXPECT_EQ(out.error().kind, ErrorKind::kMapping);
  return out.error().message;
}

TEST(Mapping, CopiesNestedPathsAndArrayIndexesIntoDottedTargets) {
  auto m = load(R"({"name":"t","version":2,"fields":[
    {"to":"A.B","from":"x.y"},{"to":"A.C","from":"list.1.v"},{"to":"D","const":"k"}]})");
  EXPECT_EQ(m.name(), "t");
  EXPECT_EQ(m.version(), 2);
  auto out = m.apply(doc(R"({"x":{"y":"hello"},"list":[{"v":1},{"v":2}]})"));
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(json::to_string(*out), R"({"A":{"B":"hello","C":2},"D":"k"})");
}

TEST(Mapping, MissingOptionalFieldIsOmittedAndDefaultFillsIn) {
  auto m = load(R"({"name":"t","version":1,"fields":[
    {"to":"a","from":"missing"},{"to":"b","from":"nul","default":"-"},{"to":"c","from":"e","omit_if_empty":true}]})");
  auto out = m.apply(doc(R"({"nul":null,"e":""})"));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(json::to_string(*out), R"({"b":"-"})");
}

TEST(Mapping, RequiredMissingNamesTargetAndSourcePath) {
  auto m =
      load(R"({"name":"t","version":1,"fields":[{"to":"MaHoSo","from":"dossier.code","required":true}]})");
  EXPECT_NE(apply_error(m, R"({"dossier":{}})").find("MaHoSo from dossier.code: required"),
            std::string::npos);
}

TEST(Mapping, IntTypeConvertsOnlyAllDigitStrings) {
  auto m = load(R"({"name":"t","version":1,"fields":[{"to":"n","from":"v","type":"int"}]})");
  auto ok = m.apply(doc(R"({"v":"12"})"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)["n"].GetInt64(), 12);
  for (const char* bad : {R"({"v":"12a"})", R"({"v":" 12"})", R"({"v":"1e3"})", R"({"v":1.5})",
                          R"({"v":true})", R"({"v":""})"}) {
    EXPECT_NE(apply_error(m, bad).find("n from v: expected an integer"), std::string::npos) << bad;
  }
}

TEST(Mapping, StringBoolAndNumberTypesAreStrict) {
  auto m = load(R"({"name":"t","version":1,"fields":[
    {"to":"s","from":"s","type":"string"},{"to":"b","from":"b","type":"bool"},{"to":"n","from":"n","type":"number"}]})");
  auto ok = m.apply(doc(R"({"s":42,"b":"true","n":"2.5"})"));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(json::to_string(*ok), R"({"s":"42","b":true,"n":2.5})");
  EXPECT_NE(apply_error(m, R"({"s":true})").find("s from s: expected a string"), std::string::npos);
  EXPECT_NE(apply_error(m, R"({"s":"x","b":1})").find("b from b: expected true or false"), std::string::npos);
  EXPECT_NE(apply_error(m, R"({"s":"x","b":false,"n":"2,5"})").find("n from n: expected a number"),
            std::string::npos);
}

TEST(Mapping, TableMissNamesFieldSourceTableAndKey) {
  auto m = load(R"({"name":"oss","version":1,"tables":{"status":{"moi":1,"xong":9}},
    "fields":[{"to":"TrangThaiHoSo","from":"history.state","table":"status"}]})");
  auto ok = m.apply(doc(R"({"history":{"state":"xong"}})"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)["TrangThaiHoSo"].GetInt(), 9);
  EXPECT_NE(apply_error(m, R"({"history":{"state":"xyz"}})")
                .find("TrangThaiHoSo from history.state: no entry 'xyz' in table 'status'"),
            std::string::npos);
  EXPECT_EQ(m.lookup("status", "moi"), "1");
  EXPECT_FALSE(m.lookup("status", "xyz"));
  EXPECT_FALSE(m.lookup("nope", "moi"));
}

TEST(Mapping, TableDefaultCatchesUnknownKeysInBothSpellings) {
  auto m = load(R"({"name":"t","version":1,"tables":{
    "a":{"x":"X","default":"?"},
    "b":{"entries":{"default":"D"},"default":"other"}},
    "fields":[{"to":"a","from":"k","table":"a"},{"to":"b","from":"k","table":"b"},{"to":"c","from":"d","table":"b"}]})");
  auto ok = m.apply(doc(R"({"k":"zzz","d":"default"})"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(json::to_string(*ok), R"({"a":"?","b":"other","c":"D"})");
}

TEST(Mapping, BooleansAndIntegersAreLookedUpByTheirSpelling) {
  auto m = load(R"({"name":"t","version":1,"tables":{"flag":{"true":1,"false":0},"n":{"3":"three"}},
    "fields":[{"to":"f","from":"b","table":"flag"},{"to":"n","from":"i","table":"n"}]})");
  auto ok = m.apply(doc(R"({"b":false,"i":3})"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(json::to_string(*ok), R"({"f":0,"n":"three"})");
}

TEST(Mapping, DatesConvertBetweenFormatsInVietnamTime) {
  auto m = load(R"({"name":"t","version":1,"fields":[
    {"to":"compact","from":"iso","date":{"in":"iso8601","out":"yyyyMMddHHmmss"}},
    {"to":"ms","from":"iso","date":{"in":"iso8601","out":"epoch_ms"}},
    {"to":"back","from":"c","date":{"in":"yyyyMMddHHmmss","out":"iso8601"}},
    {"to":"day","from":"iso","date":{"in":"iso8601","out":"yyyy-MM-dd"}},
    {"to":"midnight","from":"d","date":{"in":"yyyy-MM-dd","out":"epoch_ms"}}]})");
  // 17:30 UTC is 00:30 the next day in Vietnam.
  auto ok = m.apply(doc(R"({"iso":"2024-10-14T17:30:00Z","c":"20241015003000","d":"2024-10-15"})"));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ((*ok)["compact"].GetString(), std::string("20241015003000"));
  EXPECT_EQ((*ok)["ms"].GetInt64(), 1728927000000);
  EXPECT_EQ((*ok)["back"].GetString(), std::string("2024-10-15T00:30:00+07:00"));
  EXPECT_EQ((*ok)["day"].GetString(), std::string("2024-10-15"));
  EXPECT_EQ((*ok)["midnight"].GetInt64(), 1728925200000);
}

TEST(Mapping, BadDateNamesFieldButNotTheValue) {
  auto m = load(R"({"name":"t","version":1,"fields":[
    {"to":"NgaySinh","from":"dob","date":{"in":"iso8601","out":"yyyyMMddHHmmss"}}]})");
  std::string e = apply_error(m, R"({"dob":"31/12/1990"})");
  EXPECT_NE(e.find("NgaySinh from dob: expected an ISO 8601"), std::string::npos);
  EXPECT_EQ(e.find("1990"), std::string::npos) << "a personal value leaked into: " << e;
}

TEST(Mapping, EachBuildsAnArrayAndNamesTheElementOnError) {
  auto m = load(R"({"name":"t","version":1,"fields":[{"to":"Fees","from":"fees","default":[],"each":[
    {"to":"Code","from":"code","required":true},{"to":"Amount","from":"amount","type":"int"}]}]})");
  auto ok = m.apply(doc(R"({"fees":[{"code":"LP01","amount":"150000"},{"code":"LP02"}]})"));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(json::to_string(*ok), R"({"Fees":[{"Code":"LP01","Amount":150000},{"Code":"LP02"}]})");
  auto empty = m.apply(doc("{}"));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(json::to_string(*empty), R"({"Fees":[]})");
  EXPECT_NE(apply_error(m, R"({"fees":[{"code":"a"},{"amount":1}]})")
                .find("Fees[1].Code from fees.1.code: required"),
            std::string::npos);
  EXPECT_NE(apply_error(m, R"({"fees":{"code":"a"}})").find("Fees from fees: expected an array"),
            std::string::npos);
}

class MapResolver : public CodeResolver {
 public:
  mutable int64_t seen_ms = 0;
  Result<std::string> resolve(const std::string& kind, const std::string& code,
                              int64_t on_ms) const override {
    seen_ms = on_ms;
    if (kind == "agency" && code == "OLD") return std::string("NEW");
    return Error(ErrorKind::kMapping, kind + " code '" + code + "' unknown");
  }
};

TEST(Mapping, CodesStepAsksTheResolverWithTheEventTime) {
  auto m = load(R"({"name":"t","version":1,"fields":[{"to":"DonViXuLy","from":"agency","codes":"agency"}]})");
  MapResolver r;
  Context ctx{1751328000000, &r};
  auto ok = m.apply(doc(R"({"agency":"OLD"})"), ctx);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)["DonViXuLy"].GetString(), std::string("NEW"));
  EXPECT_EQ(r.seen_ms, 1751328000000);
  EXPECT_NE(apply_error(m, R"({"agency":"X"})", ctx).find("DonViXuLy from agency: agency code 'X' unknown"),
            std::string::npos);
  EXPECT_NE(apply_error(m, R"({"agency":"OLD"})").find("needs a code resolver"), std::string::npos);
}

TEST(Mapping, ValidateReportsEveryFailedRuleByFieldName) {
  auto m = load(R"({"name":"dv","version":1,"fields":[],"validate":{
    "required":["MaHoSo","ChuHoSo"],
    "pattern":[{"field":"MaTTHC","regex":"^\\d\\.\\d{6}$","message":"bad code"}],
    "date_order":[{"before":"A","after":"B","format":"yyyyMMddHHmmss"}],
    "range":[{"field":"S","min":1,"max":10}]}})");
  auto good = doc(
      R"({"MaHoSo":"x","ChuHoSo":"y","MaTTHC":"1.003560","A":"20241001000000","B":"20241001000000","S":10})");
  EXPECT_TRUE(m.validate(good).ok());
  auto bad = doc(R"({"MaHoSo":"","MaTTHC":"1.0035","A":"20241002000000","B":"20241001000000","S":11})");
  auto st = m.validate(bad);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::kValidation);
  const auto& msg = st.error().message;
  EXPECT_NE(msg.find("MaHoSo: rule required"), std::string::npos) << msg;
  EXPECT_NE(msg.find("ChuHoSo: rule required"), std::string::npos) << msg;
  EXPECT_NE(msg.find("MaTTHC: rule pattern: bad code"), std::string::npos) << msg;
  EXPECT_NE(msg.find("B: rule date_order"), std::string::npos) << msg;
  EXPECT_NE(msg.find("S: rule range"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("1.0035"), std::string::npos) << "value echoed: " << msg;
}

TEST(MappingFile, UnknownRuleKeyIsReportedWithItsPointer) {
  auto e = load_error(
      R"({"name":"t","version":1,"fields":[{"to":"a","from":"b"},{"to":"c","from":"d","tabel":"x"}]})");
  EXPECT_NE(e.find("bad.json: /fields/1: unknown key 'tabel'"), std::string::npos) << e;
}

TEST(MappingFile, ReferenceToMissingTableIsRefused) {
  auto e = load_error(
      R"({"name":"t","version":1,"tables":{"s":{}},"fields":[{"to":"a","from":"b","table":"status"}]})");
  EXPECT_NE(e.find("/fields/0/table: no table 'status'"), std::string::npos) << e;
}

TEST(MappingFile, InvalidRegexIsRefusedAtLoad) {
  auto e = load_error(R"({"name":"t","version":1,"validate":{"pattern":[{"field":"a","regex":"(["}]}})");
  EXPECT_NE(e.find("/validate/pattern/0/regex: invalid regular expression"), std::string::npos) << e;
}

TEST(MappingFile, StructuralMistakesAreRefused) {
  EXPECT_NE(load_error(R"({"version":1})").find("/name"), std::string::npos);
  EXPECT_NE(load_error(R"({"name":"t"})").find("/version"), std::string::npos);
  EXPECT_NE(load_error(R"({"name":"t","version":1,"fields":[{"from":"a"}]})").find("/fields/0/to"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"name":"t","version":1,"fields":[{"to":"a"}]})").find("needs \"from\""),
            std::string::npos);
  EXPECT_NE(
      load_error(R"({"name":"t","version":1,"fields":[{"to":"a","from":"b","const":1}]})").find("not both"),
      std::string::npos);
  EXPECT_NE(load_error(R"({"name":"t","version":1,"fields":[{"to":"a","from":"b","type":"integer"}]})")
                .find("/fields/0/type"),
            std::string::npos);
  EXPECT_NE(
      load_error(
          R"({"name":"t","version":1,"fields":[{"to":"a","from":"b","date":{"in":"dd/MM/yyyy","out":"epoch_ms"}}]})")
          .find("/fields/0/date/in"),
      std::string::npos);
  EXPECT_NE(load_error(R"({"name":"t","version":1,"fields":[{"to":"a","from":"b"},{"to":"a.c","from":"d"}]})")
                .find("collides with rule 0"),
            std::string::npos);
  EXPECT_NE(
      load_error(R"({"name":"t","version":1,"fields":[{"to":"a","from":"b","each":[{"to":"x","frm":"y"}]}]})")
          .find("/fields/0/each/0: unknown key 'frm'"),
      std::string::npos);
  EXPECT_NE(load_error(R"({"name":"t","version":1,"tables":{"x":{"k":[1]}}})").find("/tables/x/k"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"name":"t","version":1,"extra":1})").find("unknown key 'extra'"),
            std::string::npos);
}

TEST(MappingFile, MalformedJsonIsAParseErrorWithPosition) {
  auto m = Mapping::parse("{\"name\":", "x.json");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().kind, ErrorKind::kParse);
  EXPECT_NE(m.error().message.find("x.json"), std::string::npos);
}

TEST(MappingFile, MissingFileIsReportedWithItsPath) {
  auto m = Mapping::load_file("/nonexistent/mapping.json");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("/nonexistent/mapping.json"), std::string::npos);
}

TEST(ShippedMappings, AllLoad) {
  for (const char* f : {"mappings/one_stop_shop/dossier_event.json", "mappings/dvcqg/dossier.json",
                        "mappings/dvcqg/progress.json", "mappings/dvcqg/status_transitions.json"}) {
    auto m = Mapping::load_file(std::string(LIENTHONG_SOURCE_DIR) + "/" + f);
    EXPECT_TRUE(m.ok()) << f << ": " << (m.ok() ? "" : m.error().message);
  }
}

// The one-stop-shop mapping must produce exactly what the canonical model reads and
// writes, so that the store and the DVCQG mapping see the same document.
TEST(ShippedMappings, OneStopShopOutputIsTheCanonicalEventJson) {
  auto m =
      Mapping::load_file(std::string(LIENTHONG_SOURCE_DIR) + "/mappings/one_stop_shop/dossier_event.json");
  ASSERT_TRUE(m.ok()) << m.error().message;
  auto input = json::parse_file(std::string(LIENTHONG_SOURCE_DIR) +
                                "/tests/mappings/cases/oss_returned_by_post_with_results/input.json");
  ASSERT_TRUE(input.ok());
  auto out = m->transform(*input);
  ASSERT_TRUE(out.ok()) << out.error().message;
  auto event = model::from_json(*out);
  ASSERT_TRUE(event.ok()) << event.error().message;
  EXPECT_EQ(event->status, 10);
  EXPECT_EQ(event->sequence, 7);
  EXPECT_EQ(event->channel, 3);
  ASSERT_EQ(event->fees.size(), 2u);
  EXPECT_EQ(event->fees[1].amount_vnd, 500000);
  EXPECT_EQ(model::to_json(*event), *out);
}

}  // namespace
}  // namespace lienthong::mapping
