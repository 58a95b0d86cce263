#include "app/console/table_export.hpp"

#include <gtest/gtest.h>

namespace lienthong::console {
namespace {

// The console's CSV downloads go through the one CSV writer: quoting, and a cell that a
// spreadsheet would run as a formula (=, +, -, @) gets a leading apostrophe.
TEST(TableExport, CsvNeutralisesCellsASpreadsheetWouldRunAsFormulas) {
  ExportTable t;
  t.header = {"Mã", "Lý do", "Số tiền"};
  t.rows = {{"=HYPERLINK(\"http://x\")", "+84 trả trùng", "-1500000"}, {"@SUM(A1)", "-cmd", "a,b"}};
  EXPECT_EQ(to_csv(t),
            "Mã,Lý do,Số tiền\r\n"
            "\"'=HYPERLINK(\"\"http://x\"\")\",'+84 trả trùng,-1500000\r\n"
            "'@SUM(A1),'-cmd,\"a,b\"\r\n");
}

}  // namespace
}  // namespace lienthong::console
