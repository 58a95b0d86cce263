// What the console's pages share: HTML escaping and the Vietnamese ways of writing
// numbers (1.234.567) and instants (dd/mm/yyyy HH:MM, Vietnam time).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lienthong::console {

// Escapes & < > " ' for text and attribute values.
std::string escape(std::string_view s);
// Percent-encodes everything but unreserved characters, for query values in links.
std::string url_encode(std::string_view s);
// Thousands separated by '.', as Vietnamese writes them: -1.234.567.
std::string format_number(int64_t n);
// "06/12/2026 09:05" in Vietnam time; "—" for 0 (never happened).
std::string format_datetime(int64_t epoch_ms);
// "06/12/2026" in Vietnam time.
std::string format_date(int64_t epoch_ms);
// A day number (days since 1970-01-01) as "06/12/2026".
std::string format_day(int64_t days_since_epoch);

// Gives each table's column headings the class "num" where the first body row's cell in
// that column has it, so that a heading stands right-aligned over its figures. Rows with
// a colspan ("no records") are skipped; tables without a <thead> are left as they are.
std::string align_numeric_headings(std::string html);

}  // namespace lienthong::console
