#include "gateway/flows/citizen/personal_id.hpp"

#include <gtest/gtest.h>

namespace lienthong::citizen {
namespace {

const ProvinceCodes& provinces() {
  static ProvinceCodes p = [] {
    auto r = ProvinceCodes::load(LIENTHONG_SOURCE_DIR "/mappings/citizen/birthplace_provinces.json");
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return std::move(r).value();
  }();
  return p;
}

TEST(ProvinceCodes, OfficialListHasSixtyThreeProvincesFromHaNoiToCaMau) {
  EXPECT_EQ(provinces().size(), 63u);
  ASSERT_NE(provinces().name("001"), nullptr);
  EXPECT_EQ(*provinces().name("001"), "Hà Nội");
  ASSERT_NE(provinces().name("096"), nullptr);
  EXPECT_EQ(*provinces().name("096"), "Cà Mau");
  EXPECT_FALSE(provinces().contains("003"));  // gaps in the official numbering
  EXPECT_FALSE(provinces().contains("097"));
}

TEST(ProvinceCodes, MalformedListIsRefusedNamingTheEntry) {
  auto r = ProvinceCodes::parse(R"({"provinces":[{"code":"001","name":"Hà Nội"},{"code":"1","name":"x"}]})",
                                "t.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("provinces[1].code"), std::string::npos);
  auto dup =
      ProvinceCodes::parse(R"({"provinces":[{"code":"001","name":"a"},{"code":"001","name":"b"}]})", "t");
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message.find("duplicate"), std::string::npos);
}

TEST(PersonalId, AcceptsMaleBornInHaNoiIn1990) {
  auto r = validate_personal_id("001090012345", 1990, provinces());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->province_code, "001");
  EXPECT_EQ(r->sex, Sex::kMale);
  EXPECT_EQ(r->century_start, 1900);
}

TEST(PersonalId, AcceptsFemaleBornIn2003AndReadsCenturySexDigit) {
  auto r = validate_personal_id("079303123456", 2003, provinces());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->sex, Sex::kFemale);
  EXPECT_EQ(r->century_start, 2000);
  EXPECT_EQ(century_sex_digit(2003, Sex::kFemale), 3);
  EXPECT_EQ(century_sex_digit(1955, Sex::kMale), 0);
  EXPECT_EQ(century_sex_digit(2150, Sex::kFemale), 5);
  EXPECT_EQ(century_sex_digit(1899, Sex::kMale), -1);
}

struct BadCase {
  const char* number;
  int year;
  const char* rule;
};

class PersonalIdRefusal : public ::testing::TestWithParam<BadCase> {};

TEST_P(PersonalIdRefusal, NamesTheRuleAndNeverEchoesTheNumber) {
  auto c = GetParam();
  auto r = validate_personal_id(c.number, c.year, provinces());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kValidation);
  EXPECT_NE(r.error().message.find(c.rule), std::string::npos) << r.error().message;
  if (std::string(c.number).size() >= 4) {
    EXPECT_EQ(r.error().message.find(c.number), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rules, PersonalIdRefusal,
    ::testing::Values(BadCase{"00109001234", 1990, "exactly 12 digits"},    // 11 digits
                      BadCase{"0010900123456", 1990, "exactly 12 digits"},  // 13 digits
                      BadCase{"00109001234a", 1990, "digits only"},         // a letter
                      BadCase{"003090012345", 1990, "province code"},       // 003 is not a province
                      BadCase{"099090012345", 1990, "province code"},       // past Cà Mau
                      BadCase{"001290012345", 1990, "digit 4"},             // 21st-century digit, born 1990
                      BadCase{"001090012345", 2090, "digit 4"},             // 20th-century digit, born 2090
                      BadCase{"001091012345", 1990, "digits 5-6"}));        // year 91 vs 1990

}  // namespace
}  // namespace lienthong::citizen
