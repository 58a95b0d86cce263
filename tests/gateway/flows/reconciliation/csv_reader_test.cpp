#include "gateway/flows/reconciliation/csv_reader.hpp"

#include <gtest/gtest.h>

namespace lienthong::reconciliation {
namespace {

struct Rec {
  CsvReader::Next kind;
  std::vector<std::string> fields;
  uint32_t line;
  std::string error;
};

std::vector<Rec> read_all(std::string data) {
  auto r = CsvReader::from_string(std::move(data));
  std::vector<Rec> out;
  std::vector<std::string_view> f;
  uint32_t line;
  std::string err;
  for (;;) {
    auto k = r->next(f, line, err);
    if (k == CsvReader::Next::kEnd) break;
    out.push_back(
        {k, std::vector<std::string>(f.begin(), f.end()), line, k == CsvReader::Next::kMalformed ? err : ""});
  }
  return out;
}

TEST(CsvReader, SkipsBomAndReadsCrlfRecords) {
  auto r = read_all("\xEF\xBB\xBFNgày giao dịch,Số tiền\r\n01/11/2026,500\r\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields[0], "Ngày giao dịch");
  EXPECT_EQ(r[1].fields[1], "500");
  EXPECT_EQ(r[1].line, 2u);
}

TEST(CsvReader, QuotedFieldsWithCommasEscapedQuotesAndNewlines) {
  auto r = read_all("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"multi\nline\",z\nlast,1");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[1].fields[0], "x, y");
  EXPECT_EQ(r[1].fields[1], "say \"hi\"");
  EXPECT_EQ(r[2].fields[0], "multi\nline");
  EXPECT_EQ(r[2].line, 3u);
  EXPECT_EQ(r[3].line, 5u);  // the embedded newline counted
  EXPECT_EQ(r[3].fields[1], "1");
}

TEST(CsvReader, MalformedRecordIsReportedWithLineAndReadingGoesOn) {
  auto r = read_all("a,b\nok,1\nbad\"quote,2\n\"x\"y,3\nfine,4\n");
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[2].kind, CsvReader::Next::kMalformed);
  EXPECT_EQ(r[2].line, 3u);
  EXPECT_EQ(r[3].kind, CsvReader::Next::kMalformed);
  EXPECT_EQ(r[3].line, 4u);
  EXPECT_EQ(r[4].fields[0], "fine");
  EXPECT_EQ(r[4].line, 5u);
}

TEST(CsvReader, UnterminatedQuoteAtEndIsMalformed) {
  auto r = read_all("a,b\n\"open,1\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].kind, CsvReader::Next::kMalformed);
}

TEST(CsvReader, EmptyFieldsAndBlankLines) {
  auto r = read_all("a,,c\n\n,\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields.size(), 3u);
  EXPECT_EQ(r[0].fields[1], "");
  EXPECT_EQ(r[1].fields.size(), 2u);
  EXPECT_EQ(r[1].line, 3u);
}

TEST(CsvReader, RecordsSpanningReadBlocksAreWhole) {
  std::string data = "k,v\n";
  for (int i = 0; i < 200000; ++i) data += "key" + std::to_string(i) + ",\"val,ue\"\n";
  std::string path = ::testing::TempDir() + "/csv_blocks.csv";
  FILE* f = fopen(path.c_str(), "wb");
  fwrite(data.data(), 1, data.size(), f);
  fclose(f);
  auto reader = CsvReader::open(path);
  ASSERT_TRUE(reader.ok());
  std::vector<std::string_view> fields;
  uint32_t line;
  std::string err;
  int n = 0;
  while ((*reader)->next(fields, line, err) == CsvReader::Next::kRecord) {
    ASSERT_EQ(fields.size(), 2u) << line;
    if (n > 0) {
      ASSERT_EQ(fields[1], "val,ue");
      ASSERT_EQ(fields[0], "key" + std::to_string(n - 1));
    }
    ++n;
  }
  EXPECT_EQ(n, 200001);
}

}  // namespace
}  // namespace lienthong::reconciliation
