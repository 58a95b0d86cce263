#include <openssl/evp.h>

#include <algorithm>
#include <memory>

#include "adapters/treasury/treasury.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/http/http_client.hpp"

namespace lienthong::treasury {

namespace {

constexpr int kMaxPages = 999'999;  // the paging headers hold at most 6 digits

Result<int> header_number(std::optional<std::string_view> v, const char* name) {
  if (!v)
    return make_error(ErrorKind::kProtocol, std::string("treasury API page: header ") + name + " missing");
  if (v->empty() || v->size() > 6 || v->find_first_not_of("0123456789") != std::string_view::npos) {
    return make_error(ErrorKind::kProtocol, std::string("treasury API page: header ") + name +
                                                " is not a page number (1-6 digits)");
  }
  int n = 0;
  for (char c : *v) n = n * 10 + (c - '0');
  return n;
}

std::string hex(const unsigned char* p, unsigned n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (unsigned i = 0; i < n; ++i) {
    s.push_back(kDigits[p[i] >> 4]);
    s.push_back(kDigits[p[i] & 15]);
  }
  return s;
}

}  // namespace

Result<Paging> parse_paging(std::optional<std::string_view> page,
                            std::optional<std::string_view> total_pages) {
  Paging p;
  LT_ASSIGN_OR_RETURN(p.page, header_number(page, "X-Trang"));
  LT_ASSIGN_OR_RETURN(p.total_pages, header_number(total_pages, "X-Tong-So-Trang"));
  if (p.page < 1 || p.total_pages < 1 || p.page > p.total_pages) {
    return make_error(ErrorKind::kProtocol, "treasury API page: X-Trang " + std::to_string(p.page) +
                                                " is outside 1..X-Tong-So-Trang " +
                                                std::to_string(p.total_pages));
  }
  return p;
}

Result<PullSummary> pull_credits(http::HttpClient& client, const PullOptions& o, reconciliation::Day from,
                                 reconciliation::Day to, reconciliation::Dataset& out) {
  if (o.page_size <= 0) return make_error(ErrorKind::kConfig, "treasury API page_size must be positive");
  if (from > to) return make_error(ErrorKind::kValidation, "treasury API pull: from is after to");
  // The checksum covers the pages as received, in order: the same answers give the same run.
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> sha(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!sha || EVP_DigestInit_ex(sha.get(), EVP_sha256(), nullptr) != 1)
    return make_error(ErrorKind::kInternal, "treasury API pull: SHA-256 unavailable");
  PullSummary summary;
  int total_pages = -1;
  for (int page = 1; total_pages < 0 || page <= total_pages; ++page) {
    const std::string where =
        "pulling treasury credits from " + o.base_url + ", page " + std::to_string(page);
    http::ClientRequest req;
    req.system = "treasury";
    req.operation = "pull_credits";
    req.url = o.base_url + "/chung-tu?TuNgay=" + vn_time::format_date(from) +
              "&DenNgay=" + vn_time::format_date(to) + "&Trang=" + std::to_string(page) +
              "&SoBanGhi=" + std::to_string(o.page_size);
    req.headers.push_back({"Authorization", "Bearer " + o.token});
    auto resp = client.send_expect_2xx_retrying(req, o.max_attempts, o.retry_backoff);
    if (!resp.ok()) {
      Error e = resp.error().context(where);
      if (e.kind == ErrorKind::kUnauthorized || e.kind == ErrorKind::kForbidden)
        e.message += " (the treasury refused the bearer token: check the configured treasury API secret)";
      return e;
    }
    auto h_page = resp->header("X-Trang");
    auto h_total = resp->header("X-Tong-So-Trang");
    auto paging = parse_paging(h_page ? std::optional<std::string_view>(*h_page) : std::nullopt,
                               h_total ? std::optional<std::string_view>(*h_total) : std::nullopt);
    if (!paging.ok()) return paging.error().context(where);
    if (paging->page != page) {
      return make_error(ErrorKind::kProtocol, where + ": the answer is page " + std::to_string(paging->page));
    }
    if (total_pages < 0) {
      total_pages = std::min(paging->total_pages, kMaxPages);
    } else if (paging->total_pages != total_pages) {
      return make_error(ErrorKind::kProtocol, where + ": X-Tong-So-Trang changed from " +
                                                  std::to_string(total_pages) + " to " +
                                                  std::to_string(paging->total_pages) +
                                                  " during the pull (records added meanwhile? run again)");
    }
    // Issues name the page as their "file", with the line inside that page.
    Status parsed = read_credits_from_string(resp->body, "treasury API page " + std::to_string(page), out);
    if (!parsed.ok()) return parsed.error().context(where);
    EVP_DigestUpdate(sha.get(), resp->body.data(), resp->body.size());
    summary.bytes += resp->body.size();
    ++summary.pages;
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  if (EVP_DigestFinal_ex(sha.get(), md, &n) != 1)
    return make_error(ErrorKind::kInternal, "treasury API pull: SHA-256 failed");
  summary.sha256 = hex(md, n);
  return summary;
}

}  // namespace lienthong::treasury
