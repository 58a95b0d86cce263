// The console's downloads: one table as CSV (RFC 4180, UTF-8) or as an XLSX workbook
// (libxlsxwriter), so that treasury officers open it in a spreadsheet as it is.
#pragma once

#include <string>
#include <vector>

#include "gateway/core/common/result.hpp"

namespace lienthong::console {

struct ExportTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> numeric;  // per column: cells that parse as numbers are written as numbers (XLSX)
};

std::string to_csv(const ExportTable& t);
// The workbook's bytes; one sheet named `sheet` (at most 31 characters). Errors name
// libxlsxwriter's reason.
Result<std::string> to_xlsx(const ExportTable& t, const std::string& sheet);

}  // namespace lienthong::console
