#include "gateway/flows/kpi/procedures/procedure_catalogue.hpp"

#include <gtest/gtest.h>

namespace lienthong::procedures {
namespace {

std::string error_of(const char* text) {
  auto c = ProcedureCatalogue::parse(text, "procedures.json");
  EXPECT_FALSE(c.ok());
  return c.ok() ? "" : c.error().message;
}

TEST(ProcedureCatalogue, LoadsTheShippedSample) {
  auto c = ProcedureCatalogue::load(LIENTHONG_SOURCE_DIR "/mappings/procedures.json");
  ASSERT_TRUE(c.ok()) << c.error().message;
  const Procedure* p = c->find("1.003560.000.00.00.H56");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->deadline.working_days, 1);
  EXPECT_TRUE(p->full_online);
  const Procedure* hours = c->find("2.001157.000.00.00.H56");
  ASSERT_NE(hours, nullptr);
  EXPECT_EQ(hours->deadline.working_hours, 4);
  EXPECT_EQ(hours->deadline.working_days, 0);
  EXPECT_EQ(c->find("0.000000.000.00.00.H00"), nullptr);
}

TEST(ProcedureCatalogue, ErrorsNameTheEntry) {
  EXPECT_EQ(error_of(R"({"procedures": [{"code": "A", "deadline_working_days": 0}]})"),
            "procedures.json: procedures[0].deadline_working_days: must be an integer from 1 to 1000");
  EXPECT_EQ(error_of(R"({"procedures": [{"code": "A", "deadline_working_days": 1},
                                        {"code": "A", "deadline_working_days": 2}]})"),
            "procedures.json: procedures[1].code: 'A' is listed twice");
  EXPECT_NE(
      error_of(R"({"procedures": [{"code": "A", "deadline_working_days": 1, "deadline_working_hours": 2}]})")
          .find("exactly one of"),
      std::string::npos);
  EXPECT_NE(error_of(R"({"procedures": [{"code": "A", "deadline_working_days": 1, "online_payment": true}]})")
                .find("procedures[0].online_payment: a procedure without a fee"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"procedures": [{"code": "A", "deadline_working_days": 1, "fee": true}]})")
                .find("procedures[0].fee: unknown member"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"procedures": [{"deadline_working_days": 1}]})").find("procedures[0].code: missing"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"procedures": [{"code": "A", "deadline_working_days": 1, "full_online": "yes"}]})")
                .find("must be true or false"),
            std::string::npos);
  EXPECT_NE(error_of("{").find("procedures.json"), std::string::npos);
}

}  // namespace
}  // namespace lienthong::procedures
