#include "gateway/flows/kpi/period.hpp"

#include <gtest/gtest.h>

#include "gateway/core/common/vn_time.hpp"

namespace lienthong::kpi {
namespace {

std::string span(const char* text) {
  auto p = parse_period(text);
  if (!p.ok()) return "error";
  return vn_time::format_date(p->first_day) + ".." + vn_time::format_date(p->last_day);
}

TEST(Period, AcceptedForms) {
  EXPECT_EQ(span("2023"), "2023-01-01..2023-12-31");
  EXPECT_EQ(span("2023-Q1"), "2023-01-01..2023-03-31");
  EXPECT_EQ(span("2023-Q2"), "2023-04-01..2023-06-30");
  EXPECT_EQ(span("2023-Q4"), "2023-10-01..2023-12-31");
  EXPECT_EQ(span("2024-02"), "2024-02-01..2024-02-29");
  EXPECT_EQ(span("2023-12"), "2023-12-01..2023-12-31");
  EXPECT_EQ(span("2023-04-01..2023-06-30"), "2023-04-01..2023-06-30");
}

TEST(Period, BoundsAreVietnamLocalMidnights) {
  auto p = parse_period("2023-Q2");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(vn_time::format_iso(p->from_ms()), "2023-04-01T00:00:00+07:00");
  EXPECT_EQ(vn_time::format_iso(p->to_ms()), "2023-07-01T00:00:00+07:00");
  EXPECT_TRUE(p->contains_ms(*vn_time::parse_iso("2023-06-30T23:59:59+07:00")));
  EXPECT_FALSE(p->contains_ms(*vn_time::parse_iso("2023-06-30T17:00:00Z")));  // 1 July 00:00 in Vietnam
}

TEST(Period, RefusedFormsSayWhatIsAccepted) {
  for (const char* bad : {"", "23", "2023-Q5", "2023-13", "2023-06-30..2023-04-01", "2023-04-01..", "abcd",
                          "2023-W10", "1800", "2023-04-01..2050-01-01"}) {
    auto p = parse_period(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.error().kind, ErrorKind::kParse);
    EXPECT_NE(p.error().message.find("use 2023, 2023-Q2, 2023-05 or 2023-04-01..2023-06-30"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace lienthong::kpi
