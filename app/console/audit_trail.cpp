#include "app/console/console_impl.hpp"
#include "app/console/html.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/log.hpp"

namespace lienthong::console {

// ---------------------------------------------------------------- audit

// One console action in the hash-chained audit log, under the record it touched.
// account "-": the citizen lookup flow replays per-account entries at start-up, and an
// operator's action is not a lookup; official names the operator.
void Console::Impl::record_action(const Session& s, const Request& req, const std::string& record,
                                  const std::string& action, const std::string& dossier,
                                  const std::string& result, const std::string& reason,
                                  const std::string& extra) {
  audit::AuditEntry e;
  e.at_ms = ctx.clock->now_ms();
  e.lookup_id = record;
  e.account = "-";
  e.official = s.user;
  e.purpose = "console:" + action;
  e.dossier_code = dossier;
  e.result = result;
  e.detail = "reason: " + reason + (extra.empty() ? "" : "; " + extra);
  e.credential = "console:" + s.via;
  e.source = req.remote_address;
  auto appended = audit::AuditLog(*ctx.db).append(e);
  if (!appended.ok())
    log::error("console", "audit_append_failed", appended.error().message, {{"record", record}});
}

std::string Console::Impl::trail(const std::string& record) {
  auto entries = audit::AuditLog(*ctx.db).of_lookup_id(record);
  if (!entries.ok())
    return "<p class=\"error\">Không đọc được nhật ký: " + escape(entries.error().message) + "</p>";
  std::string rows;
  for (auto& e : *entries) {
    if (!e.purpose.starts_with("console:")) continue;
    rows += "<tr><td>" + format_datetime(e.at_ms) + "</td><td>" + escape(e.official) + "</td><td>" +
            escape(e.purpose.substr(8)) + "</td><td>" + escape(e.result) + "</td><td>" + escape(e.detail) +
            "</td><td>" + format_number(e.seq) + "</td></tr>";
  }
  if (rows.empty()) return "<h2>Nhật ký thao tác</h2><p>Chưa có thao tác nào trên bản ghi này.</p>";
  return "<h2>Nhật ký thao tác</h2><table><caption>Các thao tác trên bản ghi, theo nhật ký kiểm toán "
         "có chuỗi băm</caption><thead><tr><th scope=\"col\">Thời điểm</th><th scope=\"col\">Người thực "
         "hiện</th><th scope=\"col\">Thao tác</th><th scope=\"col\">Kết quả</th><th scope=\"col\">Chi "
         "tiết</th><th scope=\"col\">Số thứ tự</th></tr></thead><tbody>" +
         rows + "</tbody></table>";
}

// The audit chain's verification. Reading the whole log takes seconds with a million
// dossiers (docs/benchmarks.md), so it is read whole at most once an hour; in between,
// each view verifies the entries appended since the verified head and that they continue
// it. An edit of an entry verified already shows at the next whole check (and at once in
// `lienthong audit verify --anchors`).
std::string Console::Impl::chain_status() {
  const int64_t now = ctx.clock->now_ms();
  std::lock_guard lock(chain_mutex);
  // With the background refresh the whole log is read there, never by a view; until its
  // first pass the view says so.
  if (background && !chain_full_ms)
    return "<p>" + light("amber") +
           " Đang kiểm tra toàn bộ chuỗi băm lần đầu; tải lại trang sau ít phút.</p>";
  const bool whole_due = !chain_full_ms || now - chain_full_ms > kChainWholeEveryMs;
  Status st = whole_due && !background ? verify_whole_chain(now) : verify_appended();
  if (!st.ok()) return "<p>" + light("red") + " Không kiểm tra được: " + escape(st.error().message) + "</p>";
  chain_checked_ms = now;
  const std::string when = " (kiểm tra lúc " + format_datetime(chain_checked_ms) + ")";
  if (chain_report.intact)
    return "<p>" + light("green") + " Chuỗi băm nguyên vẹn: " + format_number(chain_report.entries) + " mục" +
           when + ".</p>";
  return "<p>" + light("red") + " Chuỗi băm bị phá vỡ tại mục " +
         format_number(chain_report.first_broken_seq) + ": " + escape(chain_report.detail) + when + "</p>";
}

Status Console::Impl::verify_whole_chain(int64_t now) {
  auto report = audit::AuditLog(*ctx.db).verify();
  if (!report.ok()) return report.error();
  chain_report = *report;
  chain_full_ms = now;
  return {};
}

Status Console::Impl::verify_appended() {
  if (!chain_report.intact) return {};  // a broken chain stays shown until the next whole check
  auto added = audit::AuditLog(*ctx.db).after(chain_report.head_seq);
  if (!added.ok()) return added.error();
  if (added->empty()) return {};
  const audit::AuditEntry& first = added->front();
  audit::VerifyReport tail = audit::verify_chain(*added, false);
  if (first.seq != chain_report.head_seq + 1 || first.prev_hash != chain_report.head_hash) {
    tail.intact = false;
    tail.first_broken_seq = first.seq;
    tail.detail = "entry " + std::to_string(first.seq) + ": it does not continue the verified head, entry " +
                  std::to_string(chain_report.head_seq);
  }
  if (!tail.intact) {
    chain_report.intact = false;
    chain_report.first_broken_seq = tail.first_broken_seq;
    chain_report.detail = tail.detail;
    return {};
  }
  chain_report.entries += tail.entries;
  chain_report.head_seq = tail.head_seq;
  chain_report.head_hash = tail.head_hash;
  return {};
}

}  // namespace lienthong::console
