#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unordered_set>

#include "adapters/payment_platform/payment_platform.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/http/http_client.hpp"

namespace lienthong::payment_platform {

namespace {

reconciliation::Day vn_day(int64_t ms) {
  auto t = vn_time::to_vietnam(ms);
  return static_cast<reconciliation::Day>(vn_time::days_from_civil(t.year, t.month, t.day));
}

http::ClientRequest post(const PlatformEndpoint& e, const std::string& path, std::string body,
                         const char* operation) {
  http::ClientRequest req;
  req.method = "POST";
  req.url = e.base_url + path;
  req.system = "payment_platform";
  req.operation = operation;
  req.headers = {{"Content-Type", "application/json"}};
  if (!e.bearer_token.empty()) req.headers.push_back({"Authorization", "Bearer " + e.bearer_token});
  req.body = std::move(body);
  req.idempotent = true;  // QUERY and GET_BILL read; sending one twice does no harm
  return req;
}

}  // namespace

Result<PullSummary> pull_transactions(http::HttpClient& client, const PlatformEndpoint& e,
                                      const InitLedger& ledger, const std::vector<std::string>& settled,
                                      reconciliation::Day from, reconciliation::Day to,
                                      const std::string& out_path) {
  if (e.secret.empty())
    return make_error(ErrorKind::kConfig, "payment platform: QUERY needs the shared secret");
  std::unordered_set<std::string_view> done(settled.begin(), settled.end());
  std::string tmp = out_path + ".part";
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) return make_error(ErrorKind::kInternal, "cannot write " + tmp);
  auto fail = [&](Error err) -> Result<PullSummary> {
    out.close();
    std::filesystem::remove(tmp);
    return err;
  };
  PullSummary summary;
  for (const auto& [ref, init] : ledger.by_ref) {
    // A payment is made after its INIT: one day earlier covers an INIT just before midnight.
    auto created = vn_day(init.created_at_ms);
    if (created < from - 1 || created > to || done.count(ref)) continue;
    auto resp = client.send_expect_2xx_retrying(post(e, e.query_path, query_request(init, e.secret), "query"),
                                                e.max_attempts, e.retry_backoff);
    if (!resp.ok()) return fail(resp.error().context("payment platform QUERY"));
    auto a = parse_query_answer(resp->body);
    if (!a.ok()) return fail(make_error(ErrorKind::kProtocol, a.error().message));
    // A refusal (wrong checksum, unknown reference): no public source tells them apart, so the
    // pull stops rather than read a wrong secret as "nothing paid". MaThamChieu is no
    // personal data; the platform's description is passed on.
    if (a->error_code != kSuccess) {
      return fail(make_error(ErrorKind::kProtocol, "payment platform QUERY for MaThamChieu " + ref +
                                                       " answered MaLoi " + a->error_code + ": " +
                                                       a->message));
    }
    if (a->partner_ref != ref)
      return fail(make_error(ErrorKind::kProtocol, "payment platform QUERY answered another MaThamChieu"));
    if (a->transaction_id.empty() || a->paid_at.empty()) continue;  // pending without a transaction yet
    auto day = vn_day(a->paid_at_ms);
    if (day < from || day > to) continue;
    Transaction t;
    t.partner_code = init.partner_code;
    t.partner_ref = ref;
    t.transaction_id = a->transaction_id;
    t.amount = a->amount > 0 ? a->amount : init.amount;
    t.bank_code = a->bank_code;
    t.paid_at = a->paid_at;
    t.paid_at_ms = a->paid_at_ms;
    t.status = a->status;
    t.procedure_code = init.procedure_code;
    t.agency = init.agency;
    t.dossier = init.dossier;
    t.treasury_code = init.treasury_code;
    if (e.fetch_receipts && t.status == 1) {
      auto bill = get_bill(client, e, ref, t.transaction_id);
      if (bill.ok() && bill->transaction_id == t.transaction_id) {
        t.receipt_no = bill->receipt_no;
        t.receipt_url = bill->receipt_url;
        ++summary.receipts;
      } else {
        if (summary.first_receipt_error.empty()) {
          summary.first_receipt_error =
              bill.ok() ? "GET_BILL for MaThamChieu " + ref + " answered another MaGiaoDich"
                        : bill.error().message + " (MaThamChieu " + ref + ")";
        }
        ++summary.receipts_missing;
      }
    }
    out << to_json(t) << "\n";
    ++summary.written;
  }
  out.close();
  if (!out) return fail(make_error(ErrorKind::kInternal, "write failed for " + tmp));
  std::error_code ec;
  std::filesystem::rename(tmp, out_path, ec);
  if (ec) return make_error(ErrorKind::kInternal, "cannot rename " + tmp + ": " + ec.message());
  return summary;
}

Result<Bill> get_bill(http::HttpClient& client, const PlatformEndpoint& e, std::string_view partner_ref,
                      std::string_view transaction_id) {
  auto resp = client.send_expect_2xx_retrying(
      post(e, e.get_bill_path, get_bill_request(e.partner_code, partner_ref, transaction_id, e.secret),
           "get_bill"),
      e.max_attempts, e.retry_backoff);
  if (!resp.ok()) return resp.error().context("payment platform GET_BILL");
  auto b = parse_bill(resp->body);
  if (!b.ok()) return make_error(ErrorKind::kProtocol, b.error().message);
  if (b->error_code != kSuccess)
    return make_error(ErrorKind::kNotFound, "payment platform GET_BILL: MaLoi " + b->error_code);
  return b;
}

}  // namespace lienthong::payment_platform
