#include "gateway/flows/webhooks/issued_codes.hpp"

#include <cstdio>
#include <ctime>

namespace lienthong::webhooks {

namespace {
// Vietnam keeps UTC+7 all year (no daylight saving).
constexpr int64_t kVietnamOffsetMs = 7LL * 3600 * 1000;
// Two instances racing for the same number: each retry takes the next free one.
constexpr int kMaxAttempts = 64;

std::string vietnam_day(int64_t now_ms) {
  std::time_t t = static_cast<std::time_t>((now_ms + kVietnamOffsetMs) / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02d%02d%02d", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}
}  // namespace

std::vector<store::Migration> IssuedCodes::migrations() {
  return {{"webhook_issued_codes", 1,
           "CREATE TABLE webhook_issued_codes ("
           " source TEXT NOT NULL, code TEXT NOT NULL, unit TEXT NOT NULL, day TEXT NOT NULL,"
           " seq INTEGER NOT NULL, issued_at_ms INTEGER NOT NULL, used_by TEXT, used_at_ms INTEGER,"
           " PRIMARY KEY (code));"
           "CREATE UNIQUE INDEX webhook_issued_codes_seq ON webhook_issued_codes (unit, day, seq);"}};
}

Result<std::string> IssuedCodes::issue(const std::string& source, const std::string& unit, int64_t now_ms) {
  const std::string day = vietnam_day(now_ms);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    LT_ASSIGN_OR_RETURN(auto rows, db_.query("SELECT COALESCE(MAX(seq), 0) FROM webhook_issued_codes"
                                             " WHERE unit = ? AND day = ?",
                                             {unit, day}));
    int64_t seq = rows.empty() ? 1 : rows[0].i64(0) + 1;
    char num[24];
    std::snprintf(num, sizeof num, "%04lld", static_cast<long long>(seq));
    std::string code = unit + "-" + day + "-" + num;
    LT_ASSIGN_OR_RETURN(
        int64_t inserted,
        db_.exec("INSERT INTO webhook_issued_codes (source, code, unit, day, seq, issued_at_ms)"
                 " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                 {source, code, unit, day, seq, now_ms}));
    if (inserted == 1) return code;
  }
  return make_error(ErrorKind::kConflict, "dossier codes of unit '" + unit + "' for day " + day +
                                              ": no free number after " + std::to_string(kMaxAttempts) +
                                              " attempts (other instances issuing at the same time)");
}

Result<CodeClaim> IssuedCodes::claim(const std::string& source, const std::string& code,
                                     const std::string& delivery_id, int64_t now_ms) {
  LT_ASSIGN_OR_RETURN(int64_t changed, db_.exec("UPDATE webhook_issued_codes SET used_by = ?, used_at_ms = ?"
                                                " WHERE source = ? AND code = ? AND used_by IS NULL",
                                                {delivery_id, now_ms, source, code}));
  if (changed == 1) return CodeClaim::kClaimed;
  LT_ASSIGN_OR_RETURN(
      auto rows,
      db_.query("SELECT used_by FROM webhook_issued_codes WHERE source = ? AND code = ?", {source, code}));
  if (rows.empty()) return CodeClaim::kUnknown;
  return rows[0].str(0) == delivery_id ? CodeClaim::kClaimed : CodeClaim::kUsedByAnother;
}

}  // namespace lienthong::webhooks
