// The bank statement CSV path: streaming CSV reader, header mapping, amounts and dates.
#include <cstddef>
#include <cstdint>
#include <string>

#include "adapters/bank_statement/bank_statement.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  lienthong::reconciliation::Dataset d;
  (void)lienthong::bank_statement::read_statement_text(text, "fuzz.csv", {}, d);
  lienthong::bank_statement::ColumnMapping m;
  m.delimiter = ';';
  m.amount_format.thousands_separator = '.';
  lienthong::reconciliation::Dataset d2;
  (void)lienthong::bank_statement::read_statement_text(text, "fuzz.csv", m, d2);
  return 0;
}
