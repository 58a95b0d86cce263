#include "gateway/flows/kpi/kpi_query.hpp"

#include <gtest/gtest.h>

#include "kpi_fixture.hpp"

namespace lienthong::kpi {
namespace {

class KpiQueryTest : public testing::KpiFixture {
 protected:
  KpiAnswer ask(std::map<std::string, std::string> q) {
    return answer_kpi_query(*db_, testing::catalogue(), q);
  }
};

TEST_F(KpiQueryTest, AnswersJsonAndCsv) {
  auto json = ask({{"period", "2023-Q2"}, {"by", "level"}, {"indicator", "on_time"}});
  EXPECT_EQ(json.status, 200);
  EXPECT_EQ(json.content_type, "application/json");
  EXPECT_NE(json.body.find(R"({"indicator":"on_time","group":"district","a":2,"b":2,"ratio":1.0)"),
            std::string::npos);
  auto csv = ask({{"period", "2023-Q2"}, {"indicator", "digitised_dossiers"}, {"format", "csv"}});
  EXPECT_EQ(csv.status, 200);
  EXPECT_NE(
      csv.body.find("2023-Q2,2023-04-01,2023-06-30,none,received,,digitised_dossiers,total,8,4,0.5000,"),
      std::string::npos);
}

TEST_F(KpiQueryTest, RefusesBadQueriesWithProblemDocuments) {
  for (auto q : std::vector<std::map<std::string, std::string>>{{{"by", "agency"}},
                                                                {{"period", "2023-Q9"}},
                                                                {{"period", "2023"}, {"by", "district"}},
                                                                {{"period", "2023"}, {"indicator", "x"}},
                                                                {{"period", "2023"}, {"format", "xml"}},
                                                                {{"period", "2023"}, {"perod", "2023"}}}) {
    auto a = ask(q);
    EXPECT_EQ(a.status, 400);
    EXPECT_EQ(a.content_type, "application/problem+json");
    EXPECT_NE(a.body.find("\"detail\":"), std::string::npos);
  }
}

}  // namespace
}  // namespace lienthong::kpi
