#include <cstdio>
#include <filesystem>
#include <fstream>

#include "adapters/payment_platform/payment_platform.hpp"
#include "gateway/common/vn_time.hpp"
#include "gateway/http/http_client.hpp"

namespace lienthong::payment_platform {

namespace {
std::string compact_day(reconciliation::Day d) {
  int y, m, dd;
  vn_time::civil_from_days(d, y, m, dd);
  char b[16];
  std::snprintf(b, sizeof b, "%04d%02d%02d", y, m, dd);
  return b;
}
}  // namespace

Result<int64_t> pull_transactions(http::HttpClient& client, const PullOptions& o, reconciliation::Day from,
                                  reconciliation::Day to, const std::string& out_path) {
  if (o.page_size <= 0) return make_error(ErrorKind::kConfig, "payment platform page_size must be positive");
  std::string tmp = out_path + ".part";
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) return make_error(ErrorKind::kInternal, "cannot write " + tmp);
  int64_t written = 0, total = -1;
  for (int page = 1;; ++page) {
    http::ClientRequest req;
    req.url = o.base_url + "/giao-dich?MaDoiTac=" + o.partner_code + "&TuNgay=" + compact_day(from) +
              "&DenNgay=" + compact_day(to) + "&Trang=" + std::to_string(page) +
              "&SoBanGhi=" + std::to_string(o.page_size);
    auto resp = client.send_expect_2xx_retrying(req, o.max_attempts, o.retry_backoff);
    if (!resp.ok()) {
      std::filesystem::remove(tmp);
      return resp.error().context("pulling payment platform transactions, page " + std::to_string(page));
    }
    auto p = parse_page(resp->body);
    if (!p.ok()) {
      std::filesystem::remove(tmp);
      return p.error().context("payment platform page " + std::to_string(page));
    }
    if (total < 0) total = p->total;
    for (const auto& t : p->items) out << to_json(t) << "\n";
    written += static_cast<int64_t>(p->items.size());
    if (p->items.empty() || written >= total) break;
  }
  out.close();
  if (!out) return make_error(ErrorKind::kInternal, "write failed for " + tmp);
  if (written != total) {
    std::filesystem::remove(tmp);
    return make_error(ErrorKind::kProtocol, "payment platform announced " + std::to_string(total) +
                                                " transactions but sent " + std::to_string(written));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, out_path, ec);
  if (ec) return make_error(ErrorKind::kInternal, "cannot rename " + tmp + ": " + ec.message());
  return written;
}

}  // namespace lienthong::payment_platform
