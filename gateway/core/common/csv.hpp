// The one CSV writer of every export (reconciliation reports, KPI tables, late register,
// audit log): RFC 4180 quoting. A text field that a spreadsheet would run as a formula
// (first character =, +, -, @, tab or CR; OWASP "CSV injection") gets a leading
// apostrophe; a plain number such as "-12" or "+3.5" is data and is left as it is.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lienthong {

// One field, quoted when it holds a comma, a semicolon, a quote or a line break (so it is
// one field whichever of ',' and ';' the file separates with).
std::string csv_field(std::string_view s);

// One record: the fields, each through csv_field, separated by ',' and ended by `eol`.
std::string csv_row(const std::vector<std::string>& fields, std::string_view eol = "\n");

}  // namespace lienthong
