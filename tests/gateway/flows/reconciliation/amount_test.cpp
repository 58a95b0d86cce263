#include "gateway/flows/reconciliation/amount.hpp"

#include <gtest/gtest.h>

namespace lienthong::reconciliation {
namespace {

TEST(VndAmount, PlainDigitsParse) {
  EXPECT_EQ(*parse_vnd("1500000"), 1500000);
  EXPECT_EQ(*parse_vnd("  250 "), 250);
  EXPECT_EQ(*parse_vnd("0"), 0);
}

TEST(VndAmount, SeparatorsAreRefusedUnlessConfigured) {
  EXPECT_FALSE(parse_vnd("1.500.000").ok());
  EXPECT_FALSE(parse_vnd("1,500,000").ok());
  EXPECT_FALSE(parse_vnd("150000.00").ok());  // no decimals in VND: never through a float
  EXPECT_FALSE(parse_vnd("1.5e6").ok());
}

TEST(VndAmount, ConfiguredThousandsSeparatorMustGroupByThree) {
  AmountFormat dot{'.'};
  EXPECT_EQ(*parse_vnd("1.500.000", dot), 1500000);
  EXPECT_EQ(*parse_vnd("500", dot), 500);
  EXPECT_FALSE(parse_vnd("1.50.000", dot).ok());
  EXPECT_FALSE(parse_vnd("1500.000.0", dot).ok());
  EXPECT_FALSE(parse_vnd(".500", dot).ok());
  EXPECT_FALSE(parse_vnd("500.", dot).ok());
  EXPECT_FALSE(parse_vnd("1,500", dot).ok());  // the other separator stays refused
  AmountFormat comma{','};
  EXPECT_EQ(*parse_vnd("12,345,678", comma), 12345678);
}

TEST(VndAmount, OverflowIsRefused) {
  EXPECT_EQ(*parse_vnd("9223372036854775807"), INT64_MAX);
  auto r = parse_vnd("9223372036854775808");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("too large"), std::string::npos);
}

TEST(VndAmount, NegativeOnlyWhenAllowed) {
  EXPECT_FALSE(parse_vnd("-100").ok());
  AmountFormat f;
  f.allow_negative = true;
  EXPECT_EQ(*parse_vnd("-100", f), -100);
  EXPECT_FALSE(parse_vnd("-", f).ok());
}

TEST(VndAmount, GarbageIsRefusedWithReason) {
  for (const char* s : {"", " ", "abc", "12a", "+5", "0x10", "١٢"}) EXPECT_FALSE(parse_vnd(s).ok()) << s;
}

TEST(VndAmount, FormatsWithDots) {
  EXPECT_EQ(format_vnd(1500000), "1.500.000");
  EXPECT_EQ(format_vnd(999), "999");
  EXPECT_EQ(format_vnd(-1000), "-1.000");
  EXPECT_EQ(format_vnd(0), "0");
}

TEST(VndDay, ParsesBothFormatsAndRejectsImpossibleDates) {
  EXPECT_EQ(parse_day("02/11/2026", "dd/MM/yyyy"), parse_day("2026-11-02", "yyyy-MM-dd"));
  EXPECT_TRUE(parse_day("02/11/2026 14:05:00", "dd/MM/yyyy").has_value());
  EXPECT_TRUE(parse_day("2026-11-02T14:05:00", "yyyy-MM-dd").has_value());
  EXPECT_FALSE(parse_day("31/02/2026", "dd/MM/yyyy").has_value());
  EXPECT_FALSE(parse_day("2026-11-02", "dd/MM/yyyy").has_value());
  EXPECT_FALSE(parse_day("02/11/2026x", "dd/MM/yyyy").has_value());
}

}  // namespace
}  // namespace lienthong::reconciliation
