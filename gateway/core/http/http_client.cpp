#include "gateway/core/http/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "gateway/core/common/log.hpp"
#include "gateway/core/common/text.hpp"
#include "gateway/core/metrics/metrics.hpp"

namespace lienthong::http {

namespace {

std::string lower(std::string_view s) {
  return ascii_lower(s);
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
  return std::string(s.substr(b, e - b));
}

// scheme://host[:port]/path without user info or query: queries may carry personal data
// (identification numbers as lookup keys), so errors and logs only ever show this.
std::string url_for_messages(std::string_view url) {
  auto cut = url.find_first_of("?#");
  std::string_view s = url.substr(0, cut);
  auto scheme_end = s.find("://");
  if (scheme_end == std::string_view::npos) return std::string(s);
  auto host_begin = scheme_end + 3;
  auto at = s.find('@', host_begin);
  auto slash = s.find('/', host_begin);
  if (at != std::string_view::npos && (slash == std::string_view::npos || at < slash)) {
    return std::string(s.substr(0, host_begin)) + std::string(s.substr(at + 1));
  }
  return std::string(s);
}

// The path part alone, for send_expect_2xx messages.
std::string url_path(std::string_view url) {
  std::string s = url_for_messages(url);
  auto scheme_end = s.find("://");
  size_t from = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  auto slash = s.find('/', from);
  return slash == std::string::npos ? "/" : s.substr(slash);
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("curl_global_init failed: libcurl cannot be used");
    }
  });
}

struct EasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

struct Transfer {
  ClientResponse response;
  size_t max_bytes = 0;
  bool over_limit = false;
};

size_t on_body(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nmemb;
  if (t->response.body.size() + n > t->max_bytes) {
    t->over_limit = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nmemb;
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line (after 100 Continue or a redirect): headers start over.
    t->response.headers.clear();
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  t->response.headers.push_back(Header{lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1))});
  return n;
}

bool is_tls_failure(CURLcode c) {
  switch (c) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CLIENTCERT:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::optional<std::string> ClientResponse::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (iequals(h.name, name)) return h.value;
  }
  return std::nullopt;
}

bool ClientRequest::is_idempotent() const {
  if (idempotent) return *idempotent;
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

const std::vector<std::string>& ClientOptions::config_keys() {
  static const std::vector<std::string> keys = {"connect_timeout_ms", "timeout_ms", "max_response_bytes",
                                                "tls"};
  return keys;
}

ClientOptions ClientOptions::from_config(const ConfigNode& node) {
  ClientOptions o;
  o.connect_timeout =
      std::chrono::milliseconds(node.integer_or("connect_timeout_ms", o.connect_timeout.count(), 1, 600'000));
  o.total_timeout =
      std::chrono::milliseconds(node.integer_or("timeout_ms", o.total_timeout.count(), 1, 3'600'000));
  o.max_response_bytes = static_cast<size_t>(
      node.integer_or("max_response_bytes", static_cast<int64_t>(o.max_response_bytes), 1, int64_t{1} << 40));
  if (auto tls = node.optional_object("tls")) {
    tls->allow_only({"verify_peer", "ca_file", "client_cert_file", "client_key_file"});
    o.tls.verify_peer = tls->boolean_or("verify_peer", true);
    o.tls.ca_file = tls->file_path_or("ca_file", "");
    o.tls.client_cert_file = tls->file_path_or("client_cert_file", "");
    o.tls.client_key_file = tls->file_path_or("client_key_file", "");
    if (o.tls.client_cert_file.empty() != o.tls.client_key_file.empty()) {
      tls->fail("client_cert_file",
                "mutual TLS needs both client_cert_file and client_key_file; set both or neither");
    }
  }
  return o;
}

ErrorKind kind_for_status(int status) {
  if (status == 401) return ErrorKind::kUnauthorized;
  if (status == 403) return ErrorKind::kForbidden;
  if (status == 429) return ErrorKind::kRateLimited;
  if (status >= 400 && status < 500) return ErrorKind::kClient;
  if (status >= 500 && status < 600) return ErrorKind::kServer;
  // 1xx/3xx (redirects are not followed) or garbage: not an answer we can use.
  return ErrorKind::kProtocol;
}

// Idle easy handles, reused so that each keeps its connection cache (keep-alive, TLS
// sessions) between calls. A thread takes one for the duration of a call, so concurrent
// callers never share a handle.
struct HttpClient::Impl {
  std::mutex mu;
  std::vector<EasyHandle> idle;
  static constexpr size_t kMaxIdle = 32;

  EasyHandle acquire() {
    {
      std::lock_guard lock(mu);
      if (!idle.empty()) {
        EasyHandle h = std::move(idle.back());
        idle.pop_back();
        return h;
      }
    }
    EasyHandle h(curl_easy_init());
    if (!h) throw std::runtime_error("curl_easy_init failed (out of memory?)");
    return h;
  }
  void release(EasyHandle h) {
    std::lock_guard lock(mu);
    if (idle.size() < kMaxIdle) idle.push_back(std::move(h));
  }
};

HttpClient::HttpClient(ClientOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  global_init();
  auto& reg = metrics::Registry::global();
  reg.describe("lienthong_upstream_requests_total",
               "Outbound HTTP calls, by system, operation and outcome (ok, or the error kind)", "counter");
  reg.describe("lienthong_upstream_request_duration_seconds", "Outbound HTTP calls' duration, in seconds",
               "histogram");
}

HttpClient::~HttpClient() = default;

Result<ClientResponse> HttpClient::send(const ClientRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  auto r = send_uncounted(request);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::string& system = request.system.empty() ? options_.system : request.system;
  std::string outcome;
  if (!r.ok())
    outcome = to_string(r.error().kind);
  else if (r->status >= 200 && r->status < 300)
    outcome = "ok";
  else
    outcome = to_string(kind_for_status(r->status));
  auto& reg = metrics::Registry::global();
  reg.counter("lienthong_upstream_requests_total",
              "Outbound HTTP calls, by system, operation and outcome (ok, or the error kind)",
              {{"system", system}, {"operation", request.operation}, {"outcome", outcome}})
      .inc();
  reg.histogram("lienthong_upstream_request_duration_seconds", "Outbound HTTP calls' duration, in seconds",
                {{"system", system}, {"operation", request.operation}}, metrics::kUpstreamBuckets)
      .observe(seconds);
  if (outcome != "ok" && log::enabled(log::Level::kDebug)) {
    log::debug("http", "upstream_call_failed", r.ok() ? "non-2xx answer" : r.error().message,
               {{"upstream", system},
                {"operation", request.operation},
                {"error_kind", outcome},
                {"duration_ms", seconds * 1000.0}});
  }
  return r;
}

Result<ClientResponse> HttpClient::send_uncounted(const ClientRequest& request) {
  const std::string where = request.method + " " + url_for_messages(request.url);
  EasyHandle handle = impl_->acquire();
  CURL* h = handle.get();
  // Reset keeps live connections and the TLS session cache; only options are cleared.
  curl_easy_reset(h);

  Transfer t;
  t.max_bytes = options_.max_response_bytes;
  char errbuf[CURL_ERROR_SIZE] = {0};

  Slist headers;
  auto append = [&](const std::string& line) {
    curl_slist* l = curl_slist_append(headers.get(), line.c_str());
    if (l) {
      (void)headers.release();
      headers.reset(l);
    }
  };
  for (const auto& hd : request.headers) append(hd.name + ": " + hd.value);
  // No "Expect: 100-continue" round trip: our upstreams answer directly.
  append("Expect:");

  auto timeout = request.timeout.count() > 0 ? request.timeout : options_.total_timeout;

  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  if (options_.max_response_bytes <= static_cast<size_t>(std::numeric_limits<curl_off_t>::max())) {
    // Refuses early when Content-Length already announces too much.
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.max_response_bytes));
  }

  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, options_.tls.verify_peer ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, options_.tls.verify_peer ? 2L : 0L);
  if (!options_.tls.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.tls.ca_file.c_str());
  if (!options_.tls.client_cert_file.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLCERT, options_.tls.client_cert_file.c_str());
    curl_easy_setopt(h, CURLOPT_SSLKEY, options_.tls.client_key_file.c_str());
  }

  const std::string& m = request.method;
  if (m == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (m == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else {
    if (m != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, m.c_str());
    if (!request.body.empty() || m == "POST" || m == "PUT" || m == "PATCH") {
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
    }
  }

  if (!request.is_idempotent()) {
    // Never a reused connection (libcurl's silent resend), and none left for later calls.
    curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
  }

  CURLcode rc = curl_easy_perform(h);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  // The handle's options point at locals: clear them before the handle goes back.
  curl_easy_reset(h);
  impl_->release(std::move(handle));

  if (rc == CURLE_OK) {
    t.response.status = static_cast<int>(status);
    return std::move(t.response);
  }

  std::string detail = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
  if (t.over_limit || rc == CURLE_FILESIZE_EXCEEDED) {
    return Error(
        ErrorKind::kProtocol,
        where + ": response larger than max_response_bytes=" + std::to_string(options_.max_response_bytes) +
            "; the upstream sent more than expected, or raise max_response_bytes");
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return Error(ErrorKind::kTimeout, where + ": no complete answer within " +
                                          std::to_string(timeout.count()) + " ms (connect limit " +
                                          std::to_string(options_.connect_timeout.count()) +
                                          " ms): " + detail);
  }
  if (is_tls_failure(rc)) {
    return Error(ErrorKind::kRefused,
                 where + ": TLS verification failed (" + detail +
                     "); check that tls.ca_file holds the CA that signed the server certificate, that the "
                     "host name matches the certificate, and for mutual TLS that client_cert_file/"
                     "client_key_file are valid and accepted by the server");
  }
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return Error(ErrorKind::kRefused, where + ": connection failed (" + detail +
                                            "); check that the upstream is up and reachable");
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Error(ErrorKind::kConfig, where + ": unusable URL (" + detail + "); check the configured URL");
    default:
      return Error(ErrorKind::kProtocol, where + ": " + detail);
  }
}

Result<ClientResponse> HttpClient::send_expect_2xx_retrying(const ClientRequest& request, int max_attempts,
                                                            std::chrono::milliseconds backoff) {
  Result<ClientResponse> resp = send_expect_2xx(request);
  for (int attempt = 1; attempt < max_attempts && !resp.ok() && is_retryable(resp.error().kind); ++attempt) {
    std::this_thread::sleep_for(backoff * attempt);
    resp = send_expect_2xx(request);
  }
  return resp;
}

Result<ClientResponse> HttpClient::send_expect_2xx(const ClientRequest& request) {
  auto r = send(request);
  if (!r.ok()) return r;
  int status = r->status;
  if (status >= 200 && status < 300) return r;
  Error e(kind_for_status(status),
          request.method + " " + url_path(request.url) + " answered HTTP " + std::to_string(status));
  e.upstream_status = status;
  return e;
}

}  // namespace lienthong::http
