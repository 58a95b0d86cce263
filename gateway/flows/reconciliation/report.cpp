#include "gateway/flows/reconciliation/report.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gateway/core/common/csv.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/flows/reconciliation/amount.hpp"

namespace lienthong::reconciliation {

namespace fs = std::filesystem;

std::string json_escape_text(std::string_view s) {
  std::string o;
  o.reserve(s.size());
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        o += "\\\"";
        break;
      case '\\':
        o += "\\\\";
        break;
      case '\n':
        o += "\\n";
        break;
      case '\r':
        o += "\\r";
        break;
      case '\t':
        o += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          o += buf;
        } else {
          o.push_back(ch);
        }
    }
  }
  return o;
}

namespace {

std::string amount_or_empty(const std::optional<Vnd>& v) {
  return v ? std::to_string(*v) : std::string();
}
std::string json_amount(const std::optional<Vnd>& v) {
  return v ? std::to_string(*v) : "null";
}
constexpr const char* kBom = "\xEF\xBB\xBF";

std::string totals_json(const ClassTotal* t) {
  std::string s = "{";
  bool first = true;
  for (int r = 0; r < kReasonCount; ++r) {
    if (t[r].count == 0) continue;
    if (!first) s += ",";
    first = false;
    s += "\"" + std::string(to_string(static_cast<ReasonCode>(r))) +
         "\":{\"count\":" + std::to_string(t[r].count) + ",\"amount\":" + std::to_string(t[r].amount) + "}";
  }
  return s + "}";
}

std::string diff_json(const SavedRun* saved) {
  if (!saved) return "null";
  std::string s = "{\"previous_run\":";
  s += saved->diff.previous_run.empty() ? "null" : "\"" + saved->diff.previous_run + "\"";
  s += ",\"changes\":[";
  for (size_t i = 0; i < saved->diff.changes.size(); ++i) {
    const auto& c = saved->diff.changes[i];
    if (i) s += ",";
    s += "{\"key\":\"" + json_escape_text(c.key) + "\",\"before\":\"" +
         std::string(c.before ? to_string(*c.before) : "matched_or_absent") + "\",\"after\":\"" +
         std::string(c.after ? to_string(*c.after) : "matched_or_absent") + "\"}";
  }
  return s + "]}";
}

Status write_temp(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    return make_error(ErrorKind::kInternal, "cannot write " + path.string() + " (check the --out directory)");
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.flush();
  if (!out) return make_error(ErrorKind::kInternal, "write failed for " + path.string() + " (disk full?)");
  return Status();
}

}  // namespace

std::string summary_json(const Summary& s) {
  std::string o = "{\"inputs\":{\"payments\":" + std::to_string(s.payments) +
                  ",\"bank_entries\":" + std::to_string(s.bank_entries) +
                  ",\"treasury_credits\":" + std::to_string(s.treasury_credits) +
                  ",\"obligations\":" + std::to_string(s.obligations) +
                  ",\"skipped_not_paid\":" + std::to_string(s.skipped_not_paid) +
                  ",\"skipped_out_of_period\":" + std::to_string(s.skipped_out_of_period) +
                  ",\"input_issues\":" + std::to_string(s.input_issues) +
                  "},\"by_class\":" + totals_json(s.by_class) + ",\"by_agency\":{";
  for (size_t i = 0; i < s.by_agency.size(); ++i) {
    if (i) o += ",";
    o += "\"" + json_escape_text(s.by_agency[i].first) + "\":" + totals_json(s.by_agency[i].second.data());
  }
  return o + "}}";
}

std::string summary_text(const RunInfo& info, const RunResult& r, const SavedRun* saved) {
  std::ostringstream o;
  const Summary& s = r.summary;
  o << "Reconciliation run " << info.id << (saved && saved->reused ? " (same inputs as a stored run)" : "")
    << "\n";
  o << "Period " << vn_time::format_date(info.from) << " .. " << vn_time::format_date(info.to) << ", as of "
    << vn_time::format_date(info.as_of) << ", rules " << info.rules << "\n";
  o << "Inputs: " << s.payments << " payments, " << s.bank_entries << " bank entries, " << s.treasury_credits
    << " treasury credits, " << s.obligations << " obligations; " << s.input_issues << " malformed records";
  if (s.skipped_not_paid || s.skipped_out_of_period) {
    o << "; skipped " << s.skipped_not_paid << " unpaid/failed and " << s.skipped_out_of_period
      << " out-of-period";
  }
  o << "\n";
  for (int i = 0; i < kReasonCount; ++i) {
    const auto& t = s.by_class[i];
    if (t.count == 0) continue;
    char line[160];
    std::snprintf(line, sizeof line, "  %-26s %10lld  %22s VND\n",
                  std::string(to_string(static_cast<ReasonCode>(i))).c_str(), static_cast<long long>(t.count),
                  format_vnd(t.amount).c_str());
    o << line;
  }
  if (saved) {
    if (!saved->diff.previous_run.empty()) {
      o << "Changed since run " << saved->diff.previous_run << ": " << saved->diff.changes.size()
        << " items\n";
      constexpr size_t kShown = 20;  // the rest is in report.json
      for (size_t i = 0; i < saved->diff.changes.size() && i < kShown; ++i) {
        const auto& c = saved->diff.changes[i];
        o << "  " << c.key << ": " << (c.before ? to_string(*c.before) : "matched/absent") << " -> "
          << (c.after ? to_string(*c.after) : "matched/absent") << "\n";
      }
      if (saved->diff.changes.size() > kShown) o << "  ... (see report.json)\n";
    }
    if (!saved->instructed.empty()) o << "Refund instructions issued: " << saved->instructed.size() << "\n";
  }
  return o.str();
}

namespace {

// One CSV line in the chosen format: fields are added already written (numbers, dates) or as
// text (quoted and guarded by csv_field).
class CsvLine {
 public:
  explicit CsvLine(CsvFormat f) : sep_(f == CsvFormat::kExcelVietnamese ? ';' : ',') {}
  CsvLine& raw(std::string_view v) {
    if (!first_) line_ += sep_;
    first_ = false;
    line_ += v;
    return *this;
  }
  CsvLine& text(std::string_view v) { return raw(csv_field(v)); }
  std::string end() { return line_ + "\r\n"; }

 private:
  char sep_;
  bool first_ = true;
  std::string line_;
};

std::string heading(CsvFormat f, std::initializer_list<std::string_view> names) {
  CsvLine l(f);
  for (auto n : names) l.text(n);
  return kBom + l.end();
}

// YYYY-MM-DD as the format writes dates: unchanged, or dd/mm/yyyy for Excel in Vietnamese.
std::string csv_date(const std::string& iso, CsvFormat f) {
  if (f != CsvFormat::kExcelVietnamese || iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return iso;
  return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4);
}

}  // namespace

std::optional<CsvFormat> csv_format_from_string(std::string_view s) {
  if (s == "standard") return CsvFormat::kStandard;
  if (s == "excel_vi") return CsvFormat::kExcelVietnamese;
  return std::nullopt;
}

std::string exceptions_csv(const RunResult& r, CsvFormat f) {
  std::string o =
      heading(f, {"Mã lý do (reason)", "Mô tả (description)", "Mã giao dịch (reference)",
                  "Mã hồ sơ (dossier)", "Mã đơn vị (agency)", "Ngày (date)", "Số tiền Cổng (portal)",
                  "Số tiền ngân hàng (bank)", "Số tiền Kho bạc (treasury)", "Số tiền phải nộp (obligation)",
                  "Số tiền cần hoàn (refund)", "Chi tiết (detail)", "Khoá (key)"});
  for (const auto& it : r.items) {
    CsvLine l(f);
    l.text(to_string(it.reason))
        .text(describe(it.reason))
        .text(it.reference)
        .text(it.dossier)
        .text(it.agency);
    l.raw(csv_date(it.date, f)).raw(amount_or_empty(it.portal_amount)).raw(amount_or_empty(it.bank_amount));
    l.raw(amount_or_empty(it.treasury_amount)).raw(amount_or_empty(it.obligation_amount));
    l.raw(it.refund_amount ? std::to_string(it.refund_amount) : std::string()).text(it.detail).text(it.key);
    o += l.end();
  }
  return o;
}

std::string issues_csv(const RunResult& r, CsvFormat f) {
  std::string o = heading(f, {"Tệp (file)", "Dòng (line)", "Lý do (reason)"});
  for (const auto& i : r.issues)
    o += CsvLine(f).text(i.file).raw(std::to_string(i.line)).text(i.reason).end();
  return o;
}

std::string refunds_csv(const std::vector<Refund>& refunds, CsvFormat f) {
  std::string o =
      heading(f, {"Mã giao dịch gốc (payment reference)", "Mã hồ sơ (dossier)", "Mã đơn vị (agency)",
                  "Số tiền hoàn (amount)", "Lý do (reason)", "Trạng thái (state)"});
  for (const auto& x : refunds) {
    o += CsvLine(f)
             .text(x.reference)
             .text(x.dossier)
             .text(x.agency)
             .raw(std::to_string(x.amount))
             .text(x.reason)
             .text(x.state)
             .end();
  }
  return o;
}

std::string changes_csv(const SavedRun* saved, CsvFormat f) {
  std::string o =
      heading(f, {"Khoá (key)", "Mã hồ sơ (dossier)", "Mã giao dịch (reference)",
                  "Lần chạy trước (previous run)", "Trước (before)", "Sau (after)", "Mô tả hiện nay (now)"});
  if (!saved) return o;
  for (const auto& c : saved->diff.changes) {
    // An item absent from one side was matched there or not yet (or no longer) in the inputs.
    const std::string_view before = c.before ? to_string(*c.before) : "matched_or_absent";
    const std::string_view after = c.after ? to_string(*c.after) : "matched_or_absent";
    const std::string_view now =
        c.after ? describe(*c.after)
                : std::string_view("Khớp hoặc không còn trong đầu vào (matched or absent)");
    o += CsvLine(f)
             .text(c.key)
             .text(c.dossier)
             .text(c.reference)
             .text(saved->diff.previous_run)
             .text(before)
             .text(after)
             .text(now)
             .end();
  }
  return o;
}

std::string report_json(const RunInfo& info, const RunResult& r, const SavedRun* saved) {
  std::string o = "{\"run\":{\"id\":\"" + info.id + "\",\"from\":\"" + vn_time::format_date(info.from) +
                  "\",\"to\":\"" + vn_time::format_date(info.to) + "\",\"as_of\":\"" +
                  vn_time::format_date(info.as_of) + "\",\"rules\":\"" + json_escape_text(info.rules) +
                  "\",\"reused\":" + (saved && saved->reused ? "true" : "false") + ",\"inputs\":[";
  for (size_t i = 0; i < info.inputs.size(); ++i) {
    if (i) o += ",";
    o += "{\"name\":\"" + json_escape_text(info.inputs[i].name) + "\",\"sha256\":\"" + info.inputs[i].sha256 +
         "\",\"bytes\":" + std::to_string(info.inputs[i].bytes) + "}";
  }
  o += "]},\"summary\":" + summary_json(r.summary) + ",\"diff\":" + diff_json(saved) + ",\"items\":[";
  for (size_t i = 0; i < r.items.size(); ++i) {
    const auto& it = r.items[i];
    if (i) o += ",";
    o += "{\"key\":\"" + json_escape_text(it.key) + "\",\"reason\":\"" + std::string(to_string(it.reason)) +
         "\",\"reference\":\"" + json_escape_text(it.reference) + "\",\"dossier\":\"" +
         json_escape_text(it.dossier) + "\",\"agency\":\"" + json_escape_text(it.agency) + "\",\"date\":\"" +
         it.date + "\",\"portal_amount\":" + json_amount(it.portal_amount) +
         ",\"bank_amount\":" + json_amount(it.bank_amount) +
         ",\"treasury_amount\":" + json_amount(it.treasury_amount) +
         ",\"obligation_amount\":" + json_amount(it.obligation_amount) +
         ",\"refund_amount\":" + std::to_string(it.refund_amount) + ",\"detail\":\"" +
         json_escape_text(it.detail) + "\"}";
  }
  o += "],\"input_issues\":[";
  for (size_t i = 0; i < r.issues.size(); ++i) {
    if (i) o += ",";
    o += "{\"file\":\"" + json_escape_text(r.issues[i].file) +
         "\",\"line\":" + std::to_string(r.issues[i].line) + ",\"reason\":\"" +
         json_escape_text(r.issues[i].reason) + "\"}";
  }
  o += "],\"refund_instructions\":[";
  if (saved) {
    for (size_t i = 0; i < saved->instructed.size(); ++i) {
      const auto& f = saved->instructed[i];
      if (i) o += ",";
      o += "{\"reference\":\"" + json_escape_text(f.reference) + "\",\"dossier\":\"" +
           json_escape_text(f.dossier) + "\",\"agency\":\"" + json_escape_text(f.agency) +
           "\",\"amount\":" + std::to_string(f.amount) + ",\"reason\":\"" + json_escape_text(f.reason) +
           "\"}";
    }
  }
  return o + "]}";
}

Status write_reports(const std::string& dir, const RunInfo& info, const RunResult& r, const SavedRun* saved,
                     CsvFormat f) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return make_error(ErrorKind::kInternal, "cannot create report directory " + dir + ": " + ec.message());
  const fs::path d(dir);
  const std::vector<std::pair<std::string, std::string>> files = {
      {"exceptions.csv", exceptions_csv(r, f)},
      {"input_issues.csv", issues_csv(r, f)},
      {"refund_instructions.csv", refunds_csv(saved ? saved->instructed : std::vector<Refund>{}, f)},
      {"changes.csv", changes_csv(saved, f)},
      {"summary.json", "{\"run\":\"" + info.id + "\",\"summary\":" + summary_json(r.summary) + "}\n"},
      {"report.json", report_json(info, r, saved) + "\n"}};
  // All temporaries first, then the renames: a failure leaves the previous reports intact.
  for (const auto& [name, content] : files) {
    Status st = write_temp(d / (name + ".tmp"), content);
    if (!st.ok()) {
      for (const auto& f : files) fs::remove(d / (f.first + ".tmp"), ec);
      return st;
    }
  }
  for (const auto& [name, content] : files) {
    fs::rename(d / (name + ".tmp"), d / name, ec);
    if (ec) return make_error(ErrorKind::kInternal, "cannot rename report " + name + ": " + ec.message());
  }
  return Status();
}

}  // namespace lienthong::reconciliation
