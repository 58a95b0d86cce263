#include "adapters/bank_statement/bank_statement.hpp"

#include <optional>
#include <vector>

#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/config/config.hpp"
#include "gateway/flows/reconciliation/csv_reader.hpp"

namespace lienthong::bank_statement {

using reconciliation::CsvReader;
using reconciliation::Day;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool header_equal(std::string_view a, std::string_view b) {
  a = trim(a);
  b = trim(b);
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

void apply(const ConfigNode& node, ColumnMapping& m) {
  node.allow_only(
      {"mapping_file", "columns", "dossier_marker", "delimiter", "date_format", "thousands_separator"});
  if (auto cols = node.optional_object("columns")) {
    cols->allow_only({"date", "amount", "reference", "description", "dossier"});
    m.date = cols->string_or("date", m.date);
    m.amount = cols->string_or("amount", m.amount);
    m.reference = cols->string_or("reference", m.reference);
    m.description = cols->string_or("description", m.description);
    m.dossier = cols->string_or("dossier", m.dossier);
    if (m.date.empty() || m.amount.empty() || m.reference.empty()) {
      node.fail("columns", "date, amount and reference must name a header");
    }
  }
  m.dossier_marker = node.string_or("dossier_marker", m.dossier_marker);
  std::string delim = node.string_or("delimiter", std::string(1, m.delimiter));
  if (delim == "\\t") delim = "\t";
  if (delim.size() != 1 || delim == "\"" || delim == "\n")
    node.fail("delimiter", "must be one character such as \",\" or \";\"");
  m.delimiter = delim[0];
  m.date_format = node.choice("date_format", {"dd/MM/yyyy", "yyyy-MM-dd"}, m.date_format);
  // "" (none) is a legitimate value here, so the raw member is read rather than string().
  if (node.has("thousands_separator")) {
    const auto& v = node.raw()["thousands_separator"];
    std::string sep = v.IsString() ? std::string(v.GetString(), v.GetStringLength()) : std::string("?");
    if (sep != "" && sep != "." && sep != ",") {
      node.fail("thousands_separator", "must be \"\" (none), \".\" or \",\"");
    }
    m.amount_format.thousands_separator = sep.empty() ? 0 : sep[0];
  }
  if (m.amount_format.thousands_separator == m.delimiter) {
    node.fail("thousands_separator", "cannot be the same as the delimiter");
  }
}

}  // namespace

std::optional<Day> parse_date(std::string_view text, std::string_view format) {
  return reconciliation::parse_day(text, format);
}

ColumnMapping mapping_from_config(const ConfigNode& node) {
  ColumnMapping m;
  if (node.has("mapping_file")) {
    std::string path = node.file_path("mapping_file");
    std::shared_ptr<ConfigFile> file;
    try {
      file = ConfigFile::load(path);
    } catch (const ConfigError& e) {
      node.fail("mapping_file", std::string("cannot load: ") + e.what());
    }
    ConfigNode inner = file->root();
    if (inner.has("mapping_file"))
      node.fail("mapping_file", "a mapping file cannot name another mapping file");
    apply(inner, m);
  }
  apply(node, m);
  return m;
}

namespace {
Status read_from(CsvReader* reader, const std::string& path, const ColumnMapping& m,
                 reconciliation::Dataset& out);
}

Status read_statement(const std::string& path, const ColumnMapping& m, reconciliation::Dataset& out) {
  LT_ASSIGN_OR_RETURN(auto reader, CsvReader::open(path, m.delimiter));
  return read_from(reader.get(), path, m, out);
}

Status read_statement_text(std::string data, const std::string& name, const ColumnMapping& m,
                           reconciliation::Dataset& out) {
  auto reader = CsvReader::from_string(std::move(data), m.delimiter);
  return read_from(reader.get(), name, m, out);
}

namespace {
Status read_from(CsvReader* reader, const std::string& path, const ColumnMapping& m,
                 reconciliation::Dataset& out) {
  std::vector<std::string_view> header;
  uint32_t header_line = 0;
  std::string err;
  auto first = reader->next(header, header_line, err);
  if (first != CsvReader::Next::kRecord) {
    return make_error(ErrorKind::kParse, "bank statement " + path +
                                             ": no header row (expected columns such as '" + m.date + "', '" +
                                             m.amount + "', '" + m.reference + "')");
  }
  int c_date = -1, c_amount = -1, c_ref = -1, c_desc = -1, c_dossier = -1;
  for (size_t i = 0; i < header.size(); ++i) {
    int idx = static_cast<int>(i);
    if (c_date < 0 && header_equal(header[i], m.date))
      c_date = idx;
    else if (c_amount < 0 && header_equal(header[i], m.amount))
      c_amount = idx;
    else if (c_ref < 0 && header_equal(header[i], m.reference))
      c_ref = idx;
    else if (c_desc < 0 && !m.description.empty() && header_equal(header[i], m.description))
      c_desc = idx;
    else if (c_dossier < 0 && !m.dossier.empty() && header_equal(header[i], m.dossier))
      c_dossier = idx;
  }
  std::string missing;
  if (c_date < 0) missing += " '" + m.date + "'";
  if (c_amount < 0) missing += " '" + m.amount + "'";
  if (c_ref < 0) missing += " '" + m.reference + "'";
  if (!m.dossier.empty() && c_dossier < 0) missing += " '" + m.dossier + "'";
  if (!missing.empty()) {
    return make_error(
        ErrorKind::kParse,
        "bank statement " + path + " line " + std::to_string(header_line) + ": header lacks column(s)" +
            missing +
            " (is this the right bank's file? check reconciliation.bank's column mapping and the "
            "file's encoding, which must be UTF-8)");
  }
  reconciliation::for_each_record(
      *reader, path, header.size(), out, [&](const std::vector<std::string_view>& f, uint32_t line) {
        reconciliation::BankEntry e;
        e.line = line;
        if (!reconciliation::parse_vnd_fast(f[static_cast<size_t>(c_amount)], m.amount_format, e.amount)) {
          auto why = reconciliation::parse_vnd(f[static_cast<size_t>(c_amount)], m.amount_format);
          out.add_issue(
              {path, line, "column '" + m.amount + "': " + (why.ok() ? "invalid" : why.error().message)});
          return;
        }
        if (e.amount <= 0) {
          out.add_issue({path, line, "column '" + m.amount + "': not a credit (amount must be positive)"});
          return;
        }
        auto day = parse_date(f[static_cast<size_t>(c_date)], m.date_format);
        if (!day) {
          out.add_issue({path, line, "column '" + m.date + "': not a date in the form " + m.date_format});
          return;
        }
        e.value_date = *day;
        e.reference = trim(f[static_cast<size_t>(c_ref)]);
        if (c_dossier >= 0) {
          e.dossier = trim(f[static_cast<size_t>(c_dossier)]);
        } else if (c_desc >= 0 && !m.dossier_marker.empty()) {
          std::string_view d = f[static_cast<size_t>(c_desc)];
          size_t at = d.find(m.dossier_marker);
          if (at != std::string_view::npos) {
            d.remove_prefix(at + m.dossier_marker.size());
            size_t end = d.find_first_of(" \t;,");
            e.dossier = d.substr(0, end);
          }
        }
        out.add_bank(e);
      });
  return Status();
}
}  // namespace

}  // namespace lienthong::bank_statement
