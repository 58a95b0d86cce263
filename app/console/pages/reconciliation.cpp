#include "app/console/console_impl.hpp"
#include "app/console/html.hpp"
#include "app/console/table_export.hpp"
#include "gateway/flows/reconciliation/run_store.hpp"

namespace lienthong::console {

// ------------------------------------------------------------------ Đối soát

std::string Console::Impl::reconciliation_page(const Request& req) {
  auto runs = ctx.db->query(
      "SELECT id, period_from, period_to, as_of, created_at_ms FROM recon_runs ORDER BY "
      "created_at_ms DESC, seq DESC LIMIT 50");
  if (!runs.ok()) return "<p class=\"error\">" + escape(runs.error().message) + "</p>";
  if (runs->empty()) return "<p>Chưa có lần đối soát nào.</p>";
  std::string selected = q_or(req, "run");
  if (selected.empty()) selected = (*runs)[0].str(0);
  const std::string reason = q_or(req, "reason");
  std::string out = reconciliation_runs(*runs);
  out += "<h2>Ngoại lệ theo lý do (lần chạy " + escape(selected.substr(0, 12)) + ")</h2>";
  out += reconciliation_by_reason(selected) + reconciliation_by_agency(selected);
  out += "<p><a href=\"/console/reconciliation/items.csv?run=" + url_encode(selected) +
         "\" download>Tải các ngoại lệ (CSV)</a> · <a href=\"/console/reconciliation/items.xlsx?run=" +
         url_encode(selected) + "\" download>Tải (XLSX)</a></p>";
  return out + reconciliation_items(selected, reason) + reconciliation_refunds();
}

// The last 50 runs, each with its count of exceptions.
std::string Console::Impl::reconciliation_runs(const std::vector<store::Row>& runs) {
  std::string out =
      "<h2>Các lần đối soát</h2><table><thead><tr><th scope=\"col\">Lần chạy</th><th scope=\"col\">Kỳ"
      "</th><th scope=\"col\">Tính đến ngày</th><th scope=\"col\">Chạy lúc</th><th scope=\"col\">Ngoại "
      "lệ</th></tr></thead><tbody>";
  for (auto& r : runs) {
    auto n = ctx.db->query("SELECT COUNT(*) FROM recon_items WHERE run_id = ?", {r.str(0)});
    out += "<tr><td><a href=\"/console/reconciliation?run=" + url_encode(r.str(0)) + "\">" +
           escape(r.str(0).substr(0, 12)) + "</a></td><td>" + escape(r.str(1)) + " – " + escape(r.str(2)) +
           "</td><td>" + escape(r.str(3)) + "</td><td>" + format_datetime(r.i64(4)) +
           "</td><td class=\"num\">" + format_number(n.ok() && !n->empty() ? (*n)[0].i64(0) : 0) +
           "</td></tr>";
  }
  return out + "</tbody></table>";
}

std::string Console::Impl::reconciliation_by_reason(const std::string& selected) {
  auto by_reason = ctx.db->query(
      "SELECT reason, COUNT(*), COALESCE(SUM(refund_amount), 0) FROM recon_items WHERE "
      "run_id = ? GROUP BY reason ORDER BY reason",
      {selected});
  std::string out =
      "<table><thead><tr><th scope=\"col\">Lý do</th><th scope=\"col\">Số mục</th><th scope=\"col\">Cần hoàn "
      "trả "
      "(đồng)</th></tr></thead><tbody>";
  if (by_reason.ok())
    for (auto& r : *by_reason)
      out += "<tr><td><a href=\"/console/reconciliation?run=" + url_encode(selected) +
             "&amp;reason=" + url_encode(r.str(0)) + "#ba-phia\">" + escape(r.str(0)) +
             "</a></td><td class=\"num\">" + format_number(r.i64(1)) + "</td><td class=\"num\">" +
             format_number(r.i64(2)) + "</td></tr>";
  return out + "</tbody></table>";
}

std::string Console::Impl::reconciliation_by_agency(const std::string& selected) {
  std::string out =
      "<h2>Ngoại lệ theo cơ quan</h2><table><thead><tr><th scope=\"col\">Cơ quan</th><th "
      "scope=\"col\">Số mục</th><th scope=\"col\">Cổng thanh toán (đồng)</th><th scope=\"col\">Ngân hàng "
      "(đồng)</th><th scope=\"col\">Kho bạc (đồng)</th><th scope=\"col\">Cần hoàn trả "
      "(đồng)</th></tr></thead>"
      "<tbody>";
  auto by_agency = ctx.db->query(
      "SELECT COALESCE(agency, ''), COUNT(*), COALESCE(SUM(portal_amount), 0), COALESCE(SUM(bank_amount), "
      "0), "
      "COALESCE(SUM(treasury_amount), 0), COALESCE(SUM(refund_amount), 0) FROM recon_items WHERE run_id = ? "
      "GROUP BY 1 ORDER BY 1",
      {selected});
  if (by_agency.ok())
    for (auto& r : *by_agency) {
      out += "<tr><td>" + escape(r.str(0).empty() ? "—" : r.str(0)) + "</td>";
      for (size_t i = 1; i < 6; ++i) out += "<td class=\"num\">" + format_number(r.i64(i)) + "</td>";
      out += "</tr>";
    }
  return out + "</tbody></table>";
}

// The three sides of each exception (portal, bank, treasury), at most 500, by reason.
std::string Console::Impl::reconciliation_items(const std::string& selected, const std::string& reason) {
  std::string out =
      "<h2 id=\"ba-phia\">Ngoại lệ: ba phía (cổng thanh toán, ngân hàng, kho bạc)" +
      (reason.empty() ? std::string() : ", lý do " + escape(reason)) +
      "</h2><table><thead><tr><th "
      "scope=\"col\">Lý "
      "do</th><th scope=\"col\">Tham chiếu</th><th scope=\"col\">Hồ sơ</th><th scope=\"col\">Cơ quan</th><th "
      "scope=\"col\">Cổng thanh toán</th><th scope=\"col\">Ngân hàng</th><th scope=\"col\">Kho bạc</th></tr>"
      "</thead><tbody>";
  auto items = ctx.db->query(
      "SELECT reason, reference, dossier, agency, portal_amount, bank_amount, treasury_amount, portal_amount "
      "IS "
      "NULL, bank_amount IS NULL, treasury_amount IS NULL FROM recon_items WHERE run_id = ? AND (? = '' OR "
      "reason = ?) ORDER BY reason, item_key LIMIT 500",
      {selected, reason, reason});
  auto amount = [](const store::Row& r, size_t i, size_t null_col) {
    return r.i64(null_col) ? std::string("—") : format_number(r.i64(i));
  };
  if (items.ok())
    for (auto& r : *items)
      out += "<tr><td>" + escape(r.str(0)) + "</td><td>" + escape(r.str(1)) + "</td><td>" + escape(r.str(2)) +
             "</td><td>" + escape(r.str(3)) + "</td><td class=\"num\">" + amount(r, 4, 7) +
             "</td><td class=\"num\">" + amount(r, 5, 8) + "</td><td class=\"num\">" + amount(r, 6, 9) +
             "</td></tr>";
  return out + "</tbody></table>";
}

namespace {

std::string refund_state_label(const std::string& state) {
  if (state == "due") return "Cần hoàn trả";
  if (state == "approved") return "Đã duyệt, chờ lập lệnh";
  if (state == "instructed") return "Đã lập lệnh hoàn trả";
  if (state == "refunded") return "Đã hoàn trả";
  return escape(state);
}

}  // namespace

std::string Console::Impl::reconciliation_refunds() {
  reconciliation::RunStore store(*ctx.db, *ctx.clock);
  auto refunds = store.refunds();
  std::string out =
      "<h2>Hoàn trả</h2>" +
      std::string(ctx.refund_approval
                      ? "<p>Mỗi lệnh hoàn trả cần một người đề nghị và một người phê duyệt khác; "
                        "lần đối soát sau lập lệnh cho các khoản đã duyệt.</p>"
                      : "") +
      "<table><thead><tr><th scope=\"col\">Tham chiếu</th><th scope=\"col\">Hồ sơ</th><th "
      "scope=\"col\">Số tiền (đồng)</th><th scope=\"col\">Lý do</th><th scope=\"col\">Trạng thái</th></tr>"
      "</thead><tbody>";
  if (refunds.ok())
    for (auto& r : *refunds)
      out += "<tr><td><a href=\"/console/refunds/" + url_encode(r.key) + "\">" + escape(r.reference) +
             "</a></td><td>" + escape(r.dossier) + "</td><td class=\"num\">" + format_number(r.amount) +
             "</td><td>" + escape(r.reason) + "</td><td>" + refund_state_label(r.state) + "</td></tr>";
  return out + "</tbody></table>";
}

// One refund: its sides, its state, the request to instruct it (four eyes) and its trail.
Response Console::Impl::refund_record(const Session& s, const Request& req, const std::string& key) {
  auto found = reconciliation::RunStore(*ctx.db, *ctx.clock).refund(key);
  if (!found.ok()) return error_page(&s, 500, "Lỗi kho dữ liệu", found.error().message);
  if (!*found) return error_page(&s, 404, "Không tìm thấy", "Không có khoản hoàn trả này.");
  const reconciliation::Refund* r = &**found;
  std::string out = notice(req);
  out += "<dl><dt>Trạng thái</dt><dd>" + refund_state_label(r->state) +
         "</dd><dt>Tham chiếu giao dịch</dt><dd>" + escape(r->reference) +
         "</dd><dt>Hồ sơ</dt><dd><a href=\"/console/dossier?code=" + url_encode(r->dossier) + "\">" +
         escape(r->dossier) + "</a></dd><dt>Cơ quan</dt><dd>" + escape(r->agency) +
         "</dd><dt>Số tiền</dt><dd>" + format_number(r->amount) + " đồng</dd><dt>Lý do</dt><dd>" +
         escape(r->reason) + "</dd><dt>Mở bởi lần đối soát</dt><dd>" + escape(r->opened_run) +
         "</dd><dt>Lập lệnh ở lần đối soát</dt><dd>" +
         escape(r->instructed_run.empty() ? "—" : r->instructed_run) + "</dd></dl>";
  const std::string record = "refund:" + r->key;
  auto pending = ctx.db->query(
      "SELECT id, requested_by FROM console_requests WHERE record = ? AND state = 'pending'", {record});
  if (pending.ok() && !pending->empty()) {
    out += "<p class=\"notice\">Đang chờ phê duyệt: đề nghị của " + escape((*pending)[0].str(1)) +
           ". <a href=\"/console/requests\">Xem yêu cầu duyệt</a></p>";
  } else if (ctx.refund_approval && r->state == "due" && s.role >= Role::kOperator) {
    out += "<h2>Thao tác</h2>" + action_form(s, "/console/refunds/" + url_encode(r->key) + "/issue",
                                             "Đề nghị lập lệnh hoàn trả (cần người phê duyệt)", "issue");
  }
  out += trail(record);
  return html(200, layout(s, "reconciliation", "Khoản hoàn trả " + r->reference, out));
}

Response Console::Impl::reconciliation_download(const Request& req, bool xlsx) {
  const std::string run = q_or(req, "run");
  auto items = ctx.db->query(
      "SELECT item_key, reason, reference, dossier, agency, portal_amount, bank_amount, treasury_amount, "
      "refund_amount FROM recon_items WHERE run_id = ? ORDER BY reason, item_key",
      {run});
  if (!items.ok()) return html(500, "<!doctype html><title>Lỗi</title><p>" + escape(items.error().message));
  ExportTable t;
  t.header = {"item_key",      "reason",      "reference",       "dossier",      "agency",
              "portal_amount", "bank_amount", "treasury_amount", "refund_amount"};
  t.numeric = {false, false, false, false, false, true, true, true, true};
  for (auto& r : *items) {
    std::vector<std::string> row;
    for (size_t i = 0; i < 9; ++i) row.push_back(r.is_null(i) ? std::string() : r.str(i));
    t.rows.push_back(std::move(row));
  }
  return download(t, "doi-soat", xlsx);
}

}  // namespace lienthong::console
