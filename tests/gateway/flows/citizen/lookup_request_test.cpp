#include "gateway/flows/citizen/lookup_request.hpp"

#include <gtest/gtest.h>

#include "gateway/core/common/vn_time.hpp"

namespace lienthong::citizen {
namespace {

constexpr char kGood[] =
    R"({"personal_id":"001090012345","full_name":"Nguyễn Văn An","date_of_birth":"1990-05-17",)"
    R"("purpose":"residence_check","dossier_code":"000.00.15.H26-241126-0001"})";

TEST(LookupRequest, ParsesAWellFormedBody) {
  auto r = parse_lookup_request(kGood);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->personal_id, "001090012345");
  EXPECT_EQ(r->full_name, "Nguyễn Văn An");
  EXPECT_EQ(r->birth_year, 1990);
  EXPECT_EQ(r->birth_month, 5);
  EXPECT_EQ(r->birth_day, 17);
  EXPECT_EQ(r->date_of_birth(), "1990-05-17");
  EXPECT_EQ(r->purpose, "residence_check");
  EXPECT_EQ(r->dossier_code, "000.00.15.H26-241126-0001");
}

struct Bad {
  std::string body;
  std::string field;
  std::string says;
};

class LookupRequestRefusal : public ::testing::TestWithParam<Bad> {};

TEST_P(LookupRequestRefusal, NamesTheFieldWithoutRepeatingValues) {
  auto r = parse_lookup_request(GetParam().body);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, GetParam().field);
  EXPECT_NE(r.error().message.find(GetParam().says), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("Nguyễn"), std::string::npos);
  EXPECT_EQ(r.error().message.find("001090012345"), std::string::npos);
}

std::string with(const std::string& field, const std::string& value_json) {
  std::string fields[][2] = {{"personal_id", "\"001090012345\""},
                             {"full_name", "\"Nguyễn Văn An\""},
                             {"date_of_birth", "\"1990-05-17\""},
                             {"purpose", "\"residence_check\""},
                             {"dossier_code", "\"H26-0001\""}};
  std::string out = "{";
  for (auto& f : fields) {
    std::string v = f[0] == field ? value_json : f[1];
    if (v.empty()) continue;  // omitted
    if (out.size() > 1) out += ",";
    out += "\"" + f[0] + "\":" + v;
  }
  return out + "}";
}

INSTANTIATE_TEST_SUITE_P(
    Fields, LookupRequestRefusal,
    ::testing::Values(Bad{"not json", "body", "malformed JSON at line 1"},
                      Bad{"[1,2]", "body", "must be a JSON object"},
                      Bad{R"({"personal_id":"001090012345","purpose":"p","extra":1})", "body",
                          "unknown member (not shown)"},
                      Bad{with("personal_id", ""), "personal_id", "required"},
                      Bad{with("personal_id", "1090012345"), "personal_id", "expected a string, got integer"},
                      Bad{with("full_name", "\"\""), "full_name", "must not be empty"},
                      Bad{with("full_name", "\"" + std::string(300, 'a') + "\""), "full_name", "longer than"},
                      Bad{with("full_name", R"("Nguyễn\u0000An")"), "full_name",
                          "without control characters"},
                      Bad{with("date_of_birth", "\"17/05/1990\""), "date_of_birth", "YYYY-MM-DD"},
                      Bad{with("date_of_birth", "\"1990-02-30\""), "date_of_birth", "YYYY-MM-DD"},
                      Bad{with("date_of_birth", "\"1850-02-10\""), "date_of_birth", "before 1900"},
                      Bad{with("full_name", "\"Nguyễn Văn 4n\""), "full_name", "only letters"},
                      Bad{with("full_name", "\"<script>alert(1)</script>\""), "full_name", "only letters"},
                      Bad{with("full_name", "\"A\""), "full_name", "at least two letters"},
                      Bad{with("full_name", "\"" + std::string(101, 'a') + "\""), "full_name",
                          "longer than 100 characters"},
                      Bad{with("purpose", "\"Residence Check\""), "purpose", "lower-case"},
                      Bad{with("dossier_code", "\"H26 0001;drop\""), "dossier_code", "letters, digits"},
                      Bad{with("dossier_code", "null"), "dossier_code", "expected a string, got null"}));

TEST(LookupRequest, UnknownMemberIsNamedOnlyWhenItCannotCarryPersonalData) {
  auto r = parse_lookup_request(R"({"001090012345":"x","purpose":"p"})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("unknown member (not shown)"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("001090012345"), std::string::npos);
}

TEST(LookupRequest, RefusesADuplicateMember) {
  auto r = parse_lookup_request(std::string(kGood).replace(1, 0, R"("purpose":"other",)"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "purpose");
  EXPECT_NE(r.error().message.find("more than once"), std::string::npos);
}

TEST(LookupRequest, RefusesOversizedBodyBeforeParsing) {
  std::string big = "{\"full_name\":\"" + std::string(kMaxBodyBytes, 'a') + "\"}";
  auto r = parse_lookup_request(big);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "body");
}

TEST(LookupRequest, Utf8CheckRejectsOverlongAndSurrogates) {
  EXPECT_TRUE(is_clean_utf8("Trần Thị Hoà"));
  EXPECT_FALSE(is_clean_utf8("\xc0\xaf"));      // overlong '/'
  EXPECT_FALSE(is_clean_utf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(is_clean_utf8("\xe1\xba"));      // truncated
  EXPECT_FALSE(is_clean_utf8("a\tb"));          // control
}

TEST(LookupRequest, UnknownMemberMadeOfLettersIsNotEchoedEither) {
  // A citizen's name sent as a key must not come back in the error.
  auto r = parse_lookup_request(R"({"NguyenVanAn":"x","purpose":"p"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.find("NguyenVanAn"), std::string::npos) << r.error().message;
}

TEST(LookupRequest, DateOfBirthAfterTodayIsRefused) {
  const int64_t today = *vn_time::parse_date("2026-12-05");
  EXPECT_TRUE(parse_lookup_request(with("date_of_birth", "\"2026-12-05\""), today).ok());
  auto r = parse_lookup_request(with("date_of_birth", "\"2026-12-06\""), today);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "date_of_birth");
  EXPECT_NE(r.error().message.find("in the future"), std::string::npos);
  EXPECT_EQ(r.error().message.find("2026-12-06"), std::string::npos);
  EXPECT_FALSE(parse_lookup_request(with("date_of_birth", "\"2099-01-01\""), today).ok());
  EXPECT_FALSE(parse_lookup_request(with("date_of_birth", "\"1899-12-31\""), today).ok());
  EXPECT_TRUE(parse_lookup_request(with("date_of_birth", "\"1900-01-01\""), today).ok());
}

TEST(LookupRequest, VietnameseAndMinorityNamesAreAccepted) {
  for (const char* name : {"Nguyễn Văn An", "Trần Thị Ánh Tuyết", "Hoàng Ngọc Đức", "Lò Văn Páo", "H'Hen Niê",
                           "Nguyen Van An", "Y-Moan Ênuôl", "Nguye\xcc\x82\xcc\x83n Va\xcc\x86n An"}) {
    EXPECT_EQ(full_name_problem(name), "") << name;
  }
  EXPECT_NE(full_name_problem("\xcc\x82"
                              "An"),
            "");  // a diacritic with no letter before it
  EXPECT_NE(full_name_problem("An × Bình"), "");
}

}  // namespace
}  // namespace lienthong::citizen
