#include "gateway/flows/codes/code_tables.hpp"

#include <gtest/gtest.h>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/flows/codes/table_resolver.hpp"

namespace lienthong::codes {
namespace {

Day d(const char* s) {
  return *CodeTables::parse_day(s);
}

const CodeTables& sample() {
  static const CodeTables* t = [] {
    auto r = CodeTables::load_dir(std::string(LIENTHONG_SOURCE_DIR) + "/mappings/codes");
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return new CodeTables(std::move(r).value());
  }();
  return *t;
}

std::string error_of(const Result<std::string>& r) {
  EXPECT_FALSE(r.ok()) << "unexpectedly translated to " << (r.ok() ? *r : "");
  if (r.ok()) return "";
  EXPECT_EQ(r.error().kind, ErrorKind::kMapping);
  return r.error().message;
}

TEST(CodeTables, CodeValidBeforeTheReformIsFoundThenAndNotAfter) {
  auto before = sample().lookup("province", "35", d("2025-06-30"));
  ASSERT_TRUE(before.ok()) << before.error().message;
  EXPECT_EQ((*before)->name, "Tỉnh Hà Nam");
  auto after = sample().lookup("province", "35", d("2025-07-01"));
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.error().message.find("province code '35' is not valid on 2025-07-01"), std::string::npos)
      << after.error().message;
  EXPECT_NE(after.error().message.find("replaced by 37"), std::string::npos) << after.error().message;
}

TEST(CodeTables, SameCodeHasOneVersionEachSideOfTheBoundary) {
  auto old37 = sample().lookup("province", "37", d("2025-06-30"));
  auto new37 = sample().lookup("province", "37", d("2025-07-01"));
  ASSERT_TRUE(old37.ok() && new37.ok());
  EXPECT_NE(*old37, *new37);
  EXPECT_EQ(*(*old37)->valid_to, d("2025-07-01"));
  EXPECT_FALSE((*new37)->valid_to);
  // A ward whose district was abolished keeps its code but now sits under the province.
  auto ward_before = sample().lookup("commune", "13294", d("2025-06-30"));
  auto ward_after = sample().lookup("commune", "13294", d("2025-07-01"));
  ASSERT_TRUE(ward_before.ok() && ward_after.ok());
  EXPECT_EQ((*ward_before)->parent, "347");
  EXPECT_EQ((*ward_after)->parent, "37");
}

TEST(CodeTables, TranslatesACodeFromBeforeTheReformToTodaysCode) {
  EXPECT_EQ(*sample().translate("province", "35", d("2025-06-30"), d("2026-01-15")), "37");
  EXPECT_EQ(*sample().translate("agency", "000.00.12.H35", d("2024-10-14"), d("2026-01-15")),
            "000.00.12.H37");
  // Before the reform the code is still today's code.
  EXPECT_EQ(*sample().translate("agency", "000.00.12.H35", d("2024-10-14"), d("2025-06-30")),
            "000.00.12.H35");
}

TEST(CodeTables, ThreeMergedCommunesTranslateToTheOneNewCommune) {
  for (const char* old : {"13285", "13288", "13291"}) {
    auto r = sample().translate("commune", old, d("2025-05-02"), d("2025-07-01"));
    ASSERT_TRUE(r.ok()) << old << ": " << r.error().message;
    EXPECT_EQ(*r, "13285") << old;
  }
  auto merged = sample().lookup("commune", "13285", d("2025-07-01"));
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ((*merged)->name, "Phường Phủ Lý");
}

TEST(CodeTables, SplitWithoutARuleIsRefusedNamingCodeAndDate) {
  auto msg = error_of(sample().translate("commune", "13774", d("2025-03-10"), d("2025-08-01")));
  EXPECT_NE(msg.find("commune code '13774' (as of 2025-03-10) was split on 2025-07-01 into 13771, 13780"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("no rule says which one applies"), std::string::npos) << msg;
}

TEST(CodeTables, SplitWithAnExplicitSuccessorFollowsIt) {
  EXPECT_EQ(*sample().translate("commune", "13777", d("2025-03-10"), d("2025-08-01")), "13780");
  EXPECT_EQ(*sample().translate("agency", "000.20.59.H36", d("2025-03-10"), d("2025-08-01")),
            "000.22.02.H37");
}

TEST(CodeTables, SplitByCommuneNeedsTheRecordsCommune) {
  auto msg = error_of(sample().translate("agency", "000.20.47.H35", d("2025-03-10"), d("2025-08-01")));
  EXPECT_NE(msg.find("by commune, and the record's commune is not known"), std::string::npos) << msg;
  Hints lam_ha{"13294"};
  EXPECT_EQ(*sample().translate("agency", "000.20.47.H35", d("2025-03-10"), d("2025-08-01"), lam_ha),
            "000.21.02.H37");
  Hints elsewhere{"99999"};
  EXPECT_NE(
      error_of(sample().translate("agency", "000.20.47.H35", d("2025-03-10"), d("2025-08-01"), elsewhere))
          .find("commune 99999 is not in the split's map"),
      std::string::npos);
}

TEST(CodeTables, OldCodeArrivingLateTranslatesOnlyIfTheEventPredatesRetirement) {
  // Event dated before the reform, sent after it: translated.
  EXPECT_EQ(*sample().translate("agency", "000.30.88.H35", d("2025-06-28"), d("2025-07-05")),
            "000.21.01.H37");
  // Event dated after the reform still carrying the old code, no grace rule: refused.
  auto msg = error_of(sample().translate("agency", "000.30.88.H35", d("2025-07-02"), d("2025-07-05")));
  EXPECT_NE(msg.find("agency code '000.30.88.H35' is not valid on 2025-07-02"), std::string::npos) << msg;
}

TEST(CodeTables, RetiredWithoutSuccessorIsRefusedEvenForOldEvents) {
  auto msg = error_of(sample().translate("agency", "000.20.49.H35", d("2025-01-10"), d("2025-08-01")));
  EXPECT_NE(msg.find("retired on 2025-07-01 with no successor"), std::string::npos) << msg;
  EXPECT_FALSE(sample().translate("district", "347", d("2025-01-10"), d("2025-08-01")).ok());
}

TEST(CodeTables, UnknownCodeAndUnknownKindAreNamed) {
  auto a = sample().lookup("commune", "00000", d("2025-01-10"));
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("commune code '00000' is not in the code tables"), std::string::npos);
  auto b = sample().lookup("village", "1", d("2025-01-10"));
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("unknown code kind 'village'"), std::string::npos);
}

TEST(CodeTables, DiffAcrossTheReformListsMergersSplitsRetirementsAndCreations) {
  auto changes = sample().diff(d("2025-06-30"), d("2025-07-01"));
  auto has = [&](Change::Type type, const std::string& kind, std::vector<std::string> from,
                 std::vector<std::string> to) {
    for (const auto& c : changes)
      if (c.type == type && c.kind == kind && c.from == from && c.to == to) return true;
    return false;
  };
  EXPECT_TRUE(has(Change::Type::kMerged, "province", {"35", "36", "37"}, {"37"}));
  EXPECT_TRUE(has(Change::Type::kMerged, "commune", {"13285", "13288", "13291"}, {"13285"}));
  EXPECT_TRUE(has(Change::Type::kSplit, "commune", {"13774"}, {"13771", "13780"}));
  EXPECT_TRUE(has(Change::Type::kRetired, "district", {"347"}, {}));
  EXPECT_TRUE(has(Change::Type::kCreated, "commune", {}, {"13780"}));
  EXPECT_TRUE(has(Change::Type::kChanged, "commune", {"13294"}, {"13294"}));
  EXPECT_TRUE(has(Change::Type::kReplaced, "agency", {"000.20.56.H36"}, {"000.23.01.H37"}));
  // A code that continues under a new version is not "created".
  EXPECT_FALSE(has(Change::Type::kCreated, "province", {}, {"37"}));
  EXPECT_TRUE(sample().diff(d("2025-07-01"), d("2026-01-01")).empty());
  EXPECT_TRUE(sample().diff(d("2024-01-01"), d("2025-06-30")).empty());
}

TEST(TableResolver, ResolvesWithTheEventDateAndTodayFromTheClock) {
  auto tables = std::make_shared<CodeTables>(sample());
  ManualClock clock(vn_time::parse_iso("2026-01-15T09:00:00+07:00").value());
  TableResolver r(tables, clock);
  auto ok = r.resolve("agency", "000.00.12.H36", vn_time::parse_iso("2025-06-30T23:30:00+07:00").value());
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(*ok, "000.00.12.H37");
  // 2025-06-30T17:30Z is already 1 July in Vietnam: the old code is no longer valid.
  auto late = r.resolve("agency", "000.00.12.H36", vn_time::parse_iso("2025-06-30T17:30:00Z").value());
  ASSERT_FALSE(late.ok());
  EXPECT_NE(late.error().message.find("not valid on 2025-07-01"), std::string::npos) << late.error().message;
}

// ---- loading: errors name file and entry --------------------------------------------

std::string load_error(const std::string& table, const std::string& reorg = "") {
  std::vector<std::pair<std::string, std::string>> reorgs;
  if (!reorg.empty()) reorgs.push_back({"reorg/2025-07-01.json", reorg});
  auto r = CodeTables::load({{"units.json", table}}, reorgs);
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.error().kind, ErrorKind::kConfig);
  return r.error().message;
}

const char* kTwo = R"({"entries":[
  {"code":"1","name":"A","kind":"province","valid_from":"2000-01-01"},
  {"code":"2","name":"B","kind":"province","valid_from":"2000-01-01"}]})";

TEST(CodeTablesLoad, BadEntriesAreNamedByFileAndIndex) {
  EXPECT_NE(load_error(R"({"entries":[{"code":"1","name":"A","kind":"province","valid_from":"2000-01-01"},
    {"code":"2","name":"B","kind":"province","valid_from":"2000-13-01"}]})")
                .find("units.json entries[1] (province 2): \"valid_from\" is not a valid date"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"entries":[{"code":"1","name":"A","kind":"town","valid_from":"2000-01-01"}]})")
                .find("entries[0] (town 1): \"kind\" must be one of"),
            std::string::npos);
  EXPECT_NE(
      load_error(
          R"({"entries":[{"code":"1","name":"A","kind":"province","valid_from":"2000-01-01","vaild_to":"x"}]})")
          .find("unknown key 'vaild_to'"),
      std::string::npos);
  EXPECT_NE(
      load_error(
          R"({"entries":[{"code":"1","name":"A","kind":"province","valid_from":"2000-01-01","valid_to":"1999-01-01"}]})")
          .find("must be after"),
      std::string::npos);
  EXPECT_NE(
      load_error(
          R"({"entries":[{"code":"1","name":"A","kind":"province","valid_from":"2000-01-01","valid_to":"2020-01-01","replaced_by":["9"]}]})")
          .find("replaced by 9, which is not a province valid on 2020-01-01"),
      std::string::npos);
  EXPECT_NE(load_error(R"({"entries":[{"code":"1","name":"A","kind":"province","valid_from":"2000-01-01"},
    {"code":"1","name":"A2","kind":"province","valid_from":"2010-01-01"}]})")
                .find("overlaps"),
            std::string::npos);
  EXPECT_NE(
      load_error(
          R"({"entries":[{"code":"5","name":"X","kind":"commune","parent":"404","valid_from":"2000-01-01"}]})")
          .find("parent 404"),
      std::string::npos);
  EXPECT_NE(load_error("{\"entries\":[}").find("units.json"), std::string::npos);
}

TEST(CodeTablesLoad, BadReorganisationOpsAreNamedByFileAndOp) {
  EXPECT_NE(
      load_error(kTwo,
                 R"({"effective":"2025-07-01","merge":[{"kind":"province","from":["1","7"],"into":"2"}]})")
          .find("reorg/2025-07-01.json merge[0]: province 7 is not valid on 2025-06-30"),
      std::string::npos);
  EXPECT_NE(
      load_error(kTwo, R"({"effective":"2025-07-01","split":[{"kind":"province","from":"1","into":["2"]}]})")
          .find("split[0]: needs"),
      std::string::npos);
  EXPECT_NE(
      load_error(kTwo,
                 R"({"effective":"2025-07-01","split":[{"kind":"province","from":"1","into":["2","3"]}]})")
          .find("replaced by 3"),
      std::string::npos);
  EXPECT_NE(
      load_error(kTwo, R"({"effective":"2025-07-01","create":[{"code":"3","name":"C","kind":"province"}],
    "split":[{"kind":"province","from":"1","into":["2","3"],"successor":"4"}]})")
          .find("\"successor\" 4 is not one of \"into\""),
      std::string::npos);
  EXPECT_NE(
      load_error(kTwo, R"({"effective":"2025-07-01","merge":[{"kind":"province","from":["1"],"into":"2"}],
    "retire":[{"kind":"province","codes":["1"]}]})")
          .find("retire[0]: province 1 is already replaced by 2"),
      std::string::npos);
  EXPECT_NE(load_error(kTwo, R"({"merge":[]})").find("missing \"effective\""), std::string::npos);
}

TEST(CodeTablesLoad, GracePeriodLetsLateRecordsWithOldCodesThrough) {
  auto r = CodeTables::load({{"units.json", kTwo}},
                            {{"reorg/2025-07-01.json",
                              R"({"effective":"2025-07-01","accept_old_codes_until":"2025-10-01",
                                  "merge":[{"kind":"province","from":["1"],"into":"2"}]})"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r->translate("province", "1", d("2025-08-01"), d("2025-08-02")), "2");
  EXPECT_FALSE(r->translate("province", "1", d("2025-10-01"), d("2025-10-02")).ok());
  EXPECT_FALSE(r->lookup("province", "1", d("2025-08-01")).ok());
}

TEST(CodeTablesLoad, MissingDirectoryIsAConfigError) {
  auto r = CodeTables::load_dir("/nonexistent/codes");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kConfig);
  EXPECT_NE(r.error().message.find("/nonexistent/codes"), std::string::npos);
}

}  // namespace
}  // namespace lienthong::codes
