#include "app/console/console_impl.hpp"
#include "app/console/html.hpp"
#include "gateway/core/audit/digest.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/flows/reconciliation/run_store.hpp"

namespace lienthong::console {

// Bốn mắt (four eyes): money moves; a second person with the approver role decides. The
// request waits in console_requests until an approver other than the requester decides.
Response Console::Impl::request_four_eyes(const Session& s, const Request& req, const std::string& kind,
                                          const std::string& record, const std::string& dossier,
                                          const std::string& reason, const std::string& back) {
  const std::string request_id = audit::random_hex(8);
  auto st = ctx.db->exec(
      "INSERT INTO console_requests (id, action, record, dossier, reason, requested_by, requested_at_ms, "
      "state, decided_by, decided_at_ms, decision_reason) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', '', 0, "
      "'')",
      {request_id, kind, record, dossier, reason, s.user, ctx.clock->now_ms()});
  if (!st.ok()) return error_page(&s, 500, "Lỗi kho dữ liệu", st.error().message);
  record_action(s, req, record, kind, dossier, "requested", reason, "request " + request_id);
  return redirect(back + "?ok=requested");
}

// A refund is asked for by one person and approved by another; the approval moves it from
// due to approved, and the next reconciliation run lists it in refund_instructions.csv.
Response Console::Impl::refund_action(const Session& s, const Request& req, const std::string& key,
                                      const std::string& reason) {
  if (!ctx.refund_approval)
    return error_page(
        &s, 409, "Không thực hiện được",
        "Cấu hình không yêu cầu phê duyệt hoàn trả (reconciliation.refund_approval): mỗi lần đối "
        "soát tự lập lệnh cho các khoản cần hoàn trả.");
  auto refund = reconciliation::RunStore(*ctx.db, *ctx.clock).refund(key);
  if (!refund.ok()) return error_page(&s, 500, "Lỗi kho dữ liệu", refund.error().message);
  if (!*refund) return error_page(&s, 404, "Không tìm thấy", "Không có khoản hoàn trả này.");
  if ((*refund)->state != "due")
    return error_page(&s, 409, "Không thực hiện được", "Chỉ khoản đang chờ (cần hoàn trả) mới đề nghị được.");
  const std::string record = "refund:" + key;
  auto pending =
      ctx.db->query("SELECT id FROM console_requests WHERE record = ? AND state = 'pending'", {record});
  if (pending.ok() && !pending->empty())
    return error_page(&s, 409, "Không thực hiện được", "Đã có một đề nghị đang chờ phê duyệt cho khoản này.");
  return request_four_eyes(s, req, "refund.issue", record, (*refund)->dossier, reason,
                           "/console/refunds/" + key);
}

Response Console::Impl::decide(const Session& s, const Request& req, const std::string& request_id,
                               const std::string& action, const std::string& reason) {
  auto rows = ctx.db->query(
      "SELECT action, record, dossier, requested_by, state FROM console_requests WHERE id = ?", {request_id});
  if (!rows.ok() || rows->empty()) return error_page(&s, 404, "Không tìm thấy", "Không có yêu cầu này.");
  const auto& r = (*rows)[0];
  const std::string kind = r.str(0), record = r.str(1), dossier = r.str(2), requester = r.str(3);
  if (r.str(4) != "pending")
    return error_page(&s, 409, "Không thực hiện được", "Yêu cầu đã được quyết định.");
  if (requester == s.user)
    return error_page(&s, 403, "Không có quyền",
                      "Người tạo yêu cầu không thể tự phê duyệt: cần một người phê duyệt khác.");
  Status st;
  if (action == "approve" && kind == "outbox.replay") {
    auto id = to_id(record.substr(record.find(':') + 1));
    st = id ? ctx.outbox->replay(*id) : Status(Error(ErrorKind::kInternal, "bad record " + record));
  }
  if (action == "approve" && kind == "refund.issue") {
    auto approved = reconciliation::RunStore(*ctx.db, *ctx.clock, true).approve_refund(record.substr(7));
    if (!approved.ok())
      st = approved.error();
    else if (!*approved)
      st = Error(ErrorKind::kConflict, "khoản hoàn trả không còn ở trạng thái chờ (đã được xử lý)");
  }
  const std::string state = !st.ok() ? "failed" : action == "approve" ? "approved" : "rejected";
  auto upd = ctx.db->exec(
      "UPDATE console_requests SET state = ?, decided_by = ?, decided_at_ms = ?, decision_reason = ? WHERE "
      "id = ? "
      "AND state = 'pending'",
      {state, s.user, ctx.clock->now_ms(), reason, request_id});
  record_action(s, req, record, kind + "." + action, dossier, state, reason,
                "request " + request_id + " of " + requester + (st.ok() ? "" : ": " + st.error().message));
  if (!st.ok()) return error_page(&s, 409, "Không thực hiện được", st.error().message);
  if (!upd.ok()) return error_page(&s, 500, "Lỗi kho dữ liệu", upd.error().message);
  return redirect("/console/requests?ok=" + std::string(action == "approve" ? "approved" : "rejected"));
}

}  // namespace lienthong::console
