// Sao kê (statement) files of a bank or payment intermediary: CSV, UTF-8 with or without
// BOM, Vietnamese column headers. Which header holds which field is configuration (each
// bank exports differently), from `reconciliation.bank` or a file under mappings/bank/.
#pragma once

#include <string>

#include "gateway/core/common/result.hpp"
#include "gateway/flows/reconciliation/amount.hpp"
#include "gateway/flows/reconciliation/dataset.hpp"

namespace lienthong {
class ConfigNode;
}

namespace lienthong::bank_statement {

struct ColumnMapping {
  // Header texts (compared after trimming, ASCII case-insensitively).
  std::string date = "Ngày giao dịch";  // value date
  std::string amount = "Số tiền";
  std::string reference = "Mã giao dịch";
  std::string description = "Nội dung";  // optional column
  std::string dossier;                   // optional column; empty: look in the description
  // In the description, the dossier code follows this marker ("... HS:000.00.00.H12-251101-0001 ...").
  std::string dossier_marker = "HS:";
  char delimiter = ',';
  std::string date_format = "dd/MM/yyyy";  // or "yyyy-MM-dd"; a time after a space or 'T' is ignored
  reconciliation::AmountFormat amount_format{};
};

// Keys: mapping_file (JSON with the same keys), columns{date, amount, reference, description,
// dossier}, dossier_marker, delimiter, date_format, thousands_separator ("", ".", ",").
// Throws ConfigError.
ColumnMapping mapping_from_config(const ConfigNode& node);

// Streams `path` into `out`. A malformed row becomes an InputIssue (file, line, reason) and
// reading goes on; a file whose header lacks a mapped column is refused as a whole.
Status read_statement(const std::string& path, const ColumnMapping& mapping, reconciliation::Dataset& out);

// Same, from memory (tests, fuzzing); `name` stands for the file in issues and errors.
Status read_statement_text(std::string data, const std::string& name, const ColumnMapping& mapping,
                           reconciliation::Dataset& out);

// Parses a date cell; nullopt when invalid.
std::optional<reconciliation::Day> parse_date(std::string_view text, std::string_view format);

}  // namespace lienthong::bank_statement
