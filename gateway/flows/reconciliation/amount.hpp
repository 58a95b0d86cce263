// Strict parsing of VND amounts from outside input: digits only, thousands separators only
// where the source is configured to use them, never through floating point, overflow checked.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/common/result.hpp"
#include "gateway/flows/reconciliation/types.hpp"

namespace lienthong::reconciliation {

struct AmountFormat {
  // 0: none allowed; '.' (Vietnamese style "1.500.000") or ',' ("1,500,000"). When set,
  // groups must be exactly three digits ("1.50.000" is refused).
  char thousands_separator = 0;
  bool allow_negative = false;  // bank statements show debits as negative
};

// Parses `text` (surrounding ASCII spaces ignored). Errors say what was wrong without
// echoing long input.
Result<Vnd> parse_vnd(std::string_view text, const AmountFormat& format = {});

// Fast path for the hot loop: returns false instead of building an error.
bool parse_vnd_fast(std::string_view text, const AmountFormat& format, Vnd& out);

// A date cell: format "dd/MM/yyyy" or "yyyy-MM-dd"; a time after a space or 'T' is ignored.
// nullopt when not a valid calendar date.
std::optional<Day> parse_day(std::string_view text, std::string_view format);

// "1.500.000" style for reports (always '.', the Vietnamese convention).
std::string format_vnd(Vnd amount);

}  // namespace lienthong::reconciliation
