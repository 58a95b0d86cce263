#include "gateway/core/common/csv.hpp"

namespace lienthong {
namespace {

// [+-]digits[.digits]: a number a spreadsheet reads as a number, not a formula.
bool plain_number(std::string_view s) {
  size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
  size_t digits = 0;
  bool point = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      ++digits;
    } else if (s[i] == '.' && !point && digits > 0) {
      point = true;
    } else {
      return false;
    }
  }
  return digits > 0 && s.back() != '.';
}

bool runs_as_formula(std::string_view s) {
  if (s.empty()) return false;
  char c = s[0];
  if (c == '=' || c == '@' || c == '\t' || c == '\r') return true;
  return (c == '+' || c == '-') && !plain_number(s);
}

}  // namespace

std::string csv_field(std::string_view s) {
  std::string v;
  if (runs_as_formula(s)) v += '\'';
  v += s;
  // ';' too: the list separator of Excel on a Vietnamese (or any decimal-comma) locale.
  if (v.find_first_of(",;\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_row(const std::vector<std::string>& fields, std::string_view eol) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += csv_field(fields[i]);
  }
  out += eol;
  return out;
}

}  // namespace lienthong
