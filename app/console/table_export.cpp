#include "app/console/table_export.hpp"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gateway/core/common/csv.hpp"

namespace lienthong::console {

// The product's one CSV writer (quoting and the formula guard): a payer's name or a
// reason starting with = must not run as a formula in the officer's spreadsheet.
std::string to_csv(const ExportTable& t) {
  std::string out = csv_row(t.header, "\r\n");
  for (auto& r : t.rows) out += csv_row(r, "\r\n");
  return out;
}

Result<std::string> to_xlsx(const ExportTable& t, const std::string& sheet) {
  // libxlsxwriter 1.1 writes files only: a private temporary file, read back and removed.
  std::string path = (std::filesystem::temp_directory_path() / "lienthong-console-XXXXXX").string();
  int fd = ::mkstemp(path.data());
  if (fd < 0) return Error(ErrorKind::kInternal, "cannot create a temporary file for the XLSX download");
  ::close(fd);
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) {
    std::filesystem::remove(path);
    return Error(ErrorKind::kInternal, "libxlsxwriter could not start a workbook");
  }
  lxw_worksheet* ws = workbook_add_worksheet(wb, sheet.substr(0, 31).c_str());
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  for (size_t c = 0; c < t.header.size(); ++c)
    worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), t.header[c].c_str(), bold);
  for (size_t r = 0; r < t.rows.size(); ++r) {
    for (size_t c = 0; c < t.rows[r].size(); ++c) {
      const std::string& v = t.rows[r][c];
      const auto row = static_cast<lxw_row_t>(r + 1);
      const auto col = static_cast<lxw_col_t>(c);
      char* end = nullptr;
      double number = v.empty() ? 0 : std::strtod(v.c_str(), &end);
      if (c < t.numeric.size() && t.numeric[c] && !v.empty() && end && *end == '\0')
        worksheet_write_number(ws, row, col, number, nullptr);
      else if (!v.empty())
        worksheet_write_string(ws, row, col, v.c_str(), nullptr);
    }
  }
  lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR) {
    std::filesystem::remove(path);
    return Error(ErrorKind::kInternal,
                 std::string("libxlsxwriter could not write the workbook: ") + lxw_strerror(err));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::filesystem::remove(path);
  return bytes.str();
}

}  // namespace lienthong::console
