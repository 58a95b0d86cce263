#include "adapters/bank_statement/bank_statement.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/config/config.hpp"

namespace lienthong::bank_statement {
namespace {

std::string write(const std::string& name, const std::string& content) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(BankStatement, ReadsVietnameseHeadersWithBomAndQuotedDescriptions) {
  auto path = write("bank_ok.csv",
                    "\xEF\xBB\xBFNgày giao dịch,Số tiền,Mã giao dịch,Nội dung\r\n"
                    "02/11/2026,50000,GD1,\"Thu phí, lệ phí HS:H12-0001 nộp\"\r\n"
                    "03/11/2026,70000,,\"HS:H12-0002\"\r\n");
  reconciliation::Dataset d;
  ASSERT_TRUE(read_statement(path, ColumnMapping{}, d).ok());
  ASSERT_EQ(d.bank().size(), 2u);
  EXPECT_EQ(d.bank()[0].ref, "GD1");
  EXPECT_EQ(d.bank()[0].amount, 50000);
  EXPECT_EQ(d.bank()[0].day, *vn_time::parse_date("2026-11-02"));
  EXPECT_EQ(d.dossiers().get(d.bank()[0].dossier), "H12-0001");
  EXPECT_EQ(d.dossiers().get(d.bank()[1].dossier), "H12-0002");
  EXPECT_EQ(d.bank()[1].line, 3u);
}

TEST(BankStatement, MalformedRowsAreReportedWithFileAndLineAndTheRestIsRead) {
  auto path = write("bank_bad.csv",
                    "Ngày giao dịch,Số tiền,Mã giao dịch,Nội dung\n"
                    "02/11/2026,50000,GD1,a\n"
                    "02/11/2026,50.000,GD2,b\n"     // separator not configured
                    "31/11/2026,50000,GD3,c\n"      // no 31 November
                    "02/11/2026,50000,GD4\n"        // a field short
                    "02/11/2026,-5000,GD5,d\n"      // a debit
                    "02/11/2026,9000,GD6,\"x\"y\n"  // stray quote
                    "02/11/2026,60000,GD7,e\n");
  reconciliation::Dataset d;
  ASSERT_TRUE(read_statement(path, ColumnMapping{}, d).ok());
  ASSERT_EQ(d.bank().size(), 2u);
  ASSERT_EQ(d.issues().size(), 5u);
  std::vector<uint32_t> lines;
  for (auto& i : d.issues()) {
    EXPECT_EQ(i.file, path);
    lines.push_back(i.line);
  }
  EXPECT_EQ(lines, (std::vector<uint32_t>{3, 4, 5, 6, 7}));
  EXPECT_NE(d.issues()[0].reason.find("Số tiền"), std::string::npos);
}

TEST(BankStatement, FileOfAnotherShapeIsRefusedAsAWhole) {
  auto path = write("bank_wrong.csv", "Date,Amount,Ref\n2026-11-02,5,GD1\n");
  reconciliation::Dataset d;
  auto st = read_statement(path, ColumnMapping{}, d);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("Ngày giao dịch"), std::string::npos);
  EXPECT_NE(st.error().message.find("bank_wrong.csv line 1: header lacks column(s)"), std::string::npos)
      << st.error().message;
  EXPECT_TRUE(d.bank().empty());
  EXPECT_FALSE(read_statement(write("bank_empty.csv", ""), ColumnMapping{}, d).ok());
}

TEST(BankStatement, MappingFromConfigAndMappingFile) {
  std::string dir = ::testing::TempDir();
  write(
      "vcb.json",
      R"({"columns": {"date": "Ngay GD", "amount": "So tien", "reference": "So tham chieu", "dossier": "Ma HS"},
            "delimiter": ";", "thousands_separator": ".", "date_format": "yyyy-MM-dd"})");
  auto cfg = ConfigFile::from_string(R"({"mapping_file": "vcb.json"})", dir);
  ColumnMapping m = mapping_from_config(cfg->root());
  EXPECT_EQ(m.delimiter, ';');
  auto path = write("bank_vcb.csv", "Ngay GD;So tien;So tham chieu;Ma HS\n2026-11-02;1.500.000;GD9;HS9\n");
  reconciliation::Dataset d;
  ASSERT_TRUE(read_statement(path, m, d).ok());
  ASSERT_EQ(d.bank().size(), 1u);
  EXPECT_EQ(d.bank()[0].amount, 1500000);
  EXPECT_EQ(d.dossiers().get(d.bank()[0].dossier), "HS9");
}

TEST(BankStatementConfig, WrongKeysAndValuesAreRefused) {
  auto bad_key = ConfigFile::from_string(R"({"colums": {}})");
  EXPECT_THROW(mapping_from_config(bad_key->root()), ConfigError);
  auto bad_sep = ConfigFile::from_string(R"({"thousands_separator": " "})");
  EXPECT_THROW(mapping_from_config(bad_sep->root()), ConfigError);
  auto same = ConfigFile::from_string(R"({"delimiter": ",", "thousands_separator": ","})");
  EXPECT_THROW(mapping_from_config(same->root()), ConfigError);
  auto none = ConfigFile::from_string(R"({"thousands_separator": ""})");
  EXPECT_EQ(mapping_from_config(none->root()).amount_format.thousands_separator, 0);
  // The mapping shipped in the repository loads.
  auto shipped =
      ConfigFile::from_string(R"({"mapping_file": "mappings/bank/default.json"})", LIENTHONG_SOURCE_DIR);
  EXPECT_EQ(mapping_from_config(shipped->root()).reference, "Mã giao dịch");
  auto empty = ConfigFile::from_string("{}");
  EXPECT_EQ(mapping_from_config(empty->root()).amount, "Số tiền");
}

}  // namespace
}  // namespace lienthong::bank_statement
