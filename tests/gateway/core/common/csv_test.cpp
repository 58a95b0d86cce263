#include "gateway/core/common/csv.hpp"

#include <gtest/gtest.h>

namespace lienthong {
namespace {

TEST(CsvField, PlainTextIsWrittenAsIs) {
  EXPECT_EQ(csv_field("Sở Tư pháp"), "Sở Tư pháp");
  EXPECT_EQ(csv_field(""), "");
}

TEST(CsvField, CommaQuoteAndLineBreakAreQuotedWithQuotesDoubled) {
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(csv_field("cr\rhere"), "\"cr\rhere\"");
}

// A file separated by ';' (Excel on a Vietnamese locale) keeps "a;b" as one field.
TEST(CsvField, SemicolonIsQuotedSoEitherSeparatorKeepsTheField) {
  EXPECT_EQ(csv_field("Phí; lệ phí"), "\"Phí; lệ phí\"");
}

TEST(CsvField, TextASpreadsheetWouldRunAsAFormulaGetsAnApostrophe) {
  EXPECT_EQ(csv_field("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
  EXPECT_EQ(csv_field("+SUM(A1:A9)"), "'+SUM(A1:A9)");
  EXPECT_EQ(csv_field("-2+3"), "'-2+3");
  EXPECT_EQ(csv_field("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv_field("\t=1"), "'\t=1");
  EXPECT_EQ(csv_field("-"), "'-");
}

TEST(CsvField, GuardAndQuotingCombine) {
  EXPECT_EQ(csv_field("=HYPERLINK(\"x\",\"y\")"), "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
  EXPECT_EQ(csv_field("\rX"), "\"'\rX\"");
}

TEST(CsvField, PlainNumbersWithASignAreDataNotFormulas) {
  EXPECT_EQ(csv_field("-12"), "-12");
  EXPECT_EQ(csv_field("+3.5"), "+3.5");
  EXPECT_EQ(csv_field("-0.25"), "-0.25");
  EXPECT_EQ(csv_field("-1."), "'-1.");
  EXPECT_EQ(csv_field("-.5"), "'-.5");
  EXPECT_EQ(csv_field("-1e5"), "'-1e5");
}

}  // namespace
}  // namespace lienthong
