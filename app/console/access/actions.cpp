#include "app/console/console_impl.hpp"
#include "app/console/html.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/flows/webhooks/quarantine_retry.hpp"
#include "gateway/flows/webhooks/webhook_config.hpp"

namespace lienthong::console {

Response Console::Impl::act(const Session& s, const Request& req, const std::vector<std::string>& parts,
                            std::map<std::string, std::string>& form) {
  if (parts.size() != 4) return error_page(&s, 404, "Không tìm thấy", "Không có thao tác này.");
  const std::string& kind = parts[1];
  const std::string& action = parts[3];
  auto id = kind == "requests" || kind == "refunds" ? std::optional<int64_t>(0) : to_id(parts[2]);
  if (!id) return error_page(&s, 404, "Không tìm thấy", "Mã bản ghi không hợp lệ.");
  const Role needed = kind == "requests" ? Role::kApprover : Role::kOperator;
  if (s.role < needed) {
    log::warn("console", "action_forbidden", "a console action beyond the user's role was refused",
              {{"user", s.user}, {"path", req.path}});
    return error_page(&s, 403, "Không có quyền",
                      "Vai trò " + std::string(role_label(s.role)) + " không được thực hiện thao tác này.");
  }
  const std::string reason = trim(form["reason"]);
  if (reason.empty() || reason.size() > kReasonMax)
    return error_page(&s, 400, "Thiếu lý do", "Mỗi thao tác cần một lý do (tối đa 500 ký tự).");
  if (kind == "outbox" && (action == "replay" || action == "discard"))
    return outbox_action(s, req, *id, action, reason);
  if (kind == "quarantine" && (action == "retry" || action == "release"))
    return quarantine_action(s, req, *id, action, reason);
  if (kind == "refunds" && action == "issue") return refund_action(s, req, parts[2], reason);
  if (kind == "requests" && (action == "approve" || action == "reject"))
    return decide(s, req, parts[2], action, reason);
  return error_page(&s, 404, "Không tìm thấy", "Không có thao tác này.");
}

Response Console::Impl::outbox_action(const Session& s, const Request& req, int64_t id,
                                      const std::string& action, const std::string& reason) {
  auto m = ctx.outbox->get(id);
  if (!m.ok()) return error_page(&s, 404, "Không tìm thấy", "Không có thư số " + std::to_string(id) + ".");
  const std::string record = "outbox:" + std::to_string(id);
  const std::string dossier = dossier_of_key(m->ordering_key);
  if (m->state != outbox::State::kDead)
    return error_page(&s, 409, "Không thực hiện được",
                      "Chỉ thư gửi thất bại (thư chết) mới phát lại hoặc huỷ bỏ được.");
  if (action == "replay" && config.four_eyes(m->destination))
    return request_four_eyes(s, req, "outbox.replay", record, dossier, reason,
                             "/console/outbox/" + std::to_string(id));
  Status st = action == "replay" ? ctx.outbox->replay(id) : ctx.outbox->discard(id);
  record_action(s, req, record, "outbox." + action, dossier, st.ok() ? "done" : "failed", reason,
                st.ok() ? "" : st.error().message);
  if (!st.ok()) return error_page(&s, 409, "Không thực hiện được", st.error().message);
  return redirect("/console/outbox/" + std::to_string(id) +
                  (action == "replay" ? "?ok=replayed" : "?ok=discarded"));
}

Response Console::Impl::quarantine_action(const Session& s, const Request& req, int64_t id,
                                          const std::string& action, const std::string& reason) {
  dossiers::Quarantine quarantine(*ctx.db);
  auto rec = quarantine.get(id);
  if (!rec.ok() || !*rec)
    return error_page(&s, 404, "Không tìm thấy", "Không có bản ghi cách ly " + std::to_string(id) + ".");
  const std::string record = "quarantine:" + std::to_string(id);
  // Sync keys are "<MaHoSo>" or "<MaHoSo>#<sequence>"; a webhook delivery's key names the
  // delivery ("webhook-id:..."), its dossier is known once it translates.
  const std::string& key = (*rec)->record_key;
  std::string dossier = key.find(':') == std::string::npos ? key.substr(0, key.find('#')) : "";
  Status st;
  std::string extra;
  if (action == "release") {
    if ((*rec)->released_at_ms)
      st = Error(ErrorKind::kConflict, "the record was released already");
    else
      st = quarantine.release(id, ctx.clock->now_ms());
  } else if (!ctx.webhooks) {
    st = Error(ErrorKind::kConfig, "retry needs the webhooks section of the configuration");
  } else {
    auto r = webhooks::retry_quarantined(*ctx.webhooks, *ctx.db, *ctx.outbox, id, ctx.clock->now_ms());
    if (!r.ok())
      st = r.error();
    else {
      dossier = r->dossier_code;
      extra = "dossier " + r->dossier_code + " sequence " + std::to_string(r->sequence) +
              (r->duplicate ? " (duplicate)" : "");
    }
  }
  record_action(s, req, record, "quarantine." + action, dossier, st.ok() ? "done" : "failed", reason,
                st.ok() ? extra : st.error().message);
  if (!st.ok()) return error_page(&s, 409, "Không thực hiện được", st.error().message);
  return redirect("/console/quarantine/" + std::to_string(id) +
                  (action == "retry" ? "?ok=retried" : "?ok=released"));
}

}  // namespace lienthong::console
