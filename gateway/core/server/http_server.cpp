#include "gateway/core/server/http_server.hpp"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "gateway/core/common/log.hpp"
#include "gateway/core/common/text.hpp"
#include "gateway/core/metrics/metrics.hpp"
#include "gateway/core/server/query.hpp"
#include "gateway/core/server/tls_reload.hpp"

namespace lienthong::server {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

namespace {

std::string lower(std::string_view s) {
  return ascii_lower(s);
}

// "/a/b" → {"a","b"}; "/" → {}; a trailing slash keeps an empty last segment.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path == "/") return out;
  if (path.front() == '/') path.remove_prefix(1);
  size_t pos = 0;
  while (true) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) {
      out.push_back(path.substr(pos));
      break;
    }
    out.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

// The metric series of one route (or of the requests no route matched), created on first
// use and then reached without a lookup.
class RouteMetrics {
 public:
  RouteMetrics(std::string listener, std::string route, std::string method)
      : listener_(std::move(listener)), route_(std::move(route)), method_(std::move(method)) {
    duration_ = &metrics::Registry::global().histogram(
        "lienthong_http_request_duration_seconds",
        "Inbound HTTP requests from the end of their header to the end of the answer, in seconds",
        {{"listener", listener_}, {"route", route_}, {"method", method_}}, metrics::kLocalBuckets);
    for (auto& c : by_status_) c.store(nullptr, std::memory_order_relaxed);
  }
  void record(int status, double seconds) {
    duration_->observe(seconds);
    size_t i = status >= 100 && status < 600 ? static_cast<size_t>(status) : 0;
    metrics::Counter* c = by_status_[i].load(std::memory_order_acquire);
    if (!c) {
      c = &metrics::Registry::global().counter("lienthong_http_requests_total",
                                               "Inbound HTTP requests answered, by route template and status",
                                               {{"listener", listener_},
                                                {"route", route_},
                                                {"method", method_},
                                                {"status", std::to_string(status)}});
      by_status_[i].store(c, std::memory_order_release);
    }
    c->inc();
  }
  const std::string& route() const { return route_; }

 private:
  std::string listener_, route_, method_;
  metrics::Histogram* duration_;
  std::array<std::atomic<metrics::Counter*>, 600> by_status_;
};

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;
  Handler handler;
  AsyncHandler async_handler;  // instead of `handler` for route_async
  RouteLimits limits;
  std::shared_ptr<RouteMetrics> metrics;  // set by start()
};

// X-Request-Id: kept when it is a reasonable token, otherwise replaced by 16 random hex
// digits (not a secret: a per-thread generator seeded from the clock and the thread).
std::string request_id_for(const std::optional<std::string>& given) {
  if (given && !given->empty() && given->size() <= 128) {
    bool ok = true;
    for (unsigned char c : *given) ok = ok && c > 0x20 && c < 0x7f && c != '"' && c != '\\';
    if (ok) return *given;
  }
  thread_local uint64_t state =
      static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
      (std::hash<std::thread::id>{}(std::this_thread::get_id()) * 0x9e3779b97f4a7c15ULL);
  // splitmix64
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  static const char* kHex = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, z >>= 4) out[static_cast<size_t>(i)] = kHex[z & 0xf];
  return out;
}

// Methods outside this list are counted as "other" (the label stays bounded).
std::string method_label(const std::string& m) {
  static const char* kKnown[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  for (const char* k : kKnown)
    if (m == k) return m;
  return "other";
}

// Sessions waiting for an AsyncHandler's answer. Shared with the responders, which may
// outlive the server: once stop() closed it, an answer is dropped instead of being posted
// to an io_context that is going away.
struct PendingAnswers {
  std::mutex mu;
  bool open = true;
  uint64_t next_key = 0;
  // Each entry owns its session (keeps it alive) and posts the answer to its strand.
  std::unordered_map<uint64_t, std::function<void(Response)>> waiting;

  void deliver(uint64_t key, Response r) {
    std::lock_guard lock(mu);
    if (!open) return;
    auto it = waiting.find(key);
    if (it == waiting.end()) return;
    auto post = std::move(it->second);
    waiting.erase(it);
    post(std::move(r));  // under the lock: stop() cannot tear the io_context down meanwhile
  }
};

// Shared by the copies of one Responder; answers 500 if none of them answered.
struct AnswerToken {
  std::shared_ptr<PendingAnswers> pending;
  uint64_t key = 0;
  std::atomic<bool> answered{false};

  void answer(Response r) {
    if (!answered.exchange(true)) pending->deliver(key, std::move(r));
  }
  ~AnswerToken() {
    if (!answered.load()) {
      log::error("http", "handler_dropped_request",
                 "an asynchronous handler dropped its request without answering; sending 500");
      pending->deliver(key,
                       Response::problem(500, "Internal Server Error",
                                         "The request could not be processed; the error has been logged."));
    }
  }
};

std::optional<PeerCertificate> peer_certificate_of(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return std::nullopt;
  std::optional<PeerCertificate> out;
  if (SSL_get_verify_result(ssl) == X509_V_OK) {
    PeerCertificate pc;
    X509_NAME* name = X509_get_subject_name(cert);
    if (BIO* bio = BIO_new(BIO_s_mem())) {
      X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
      char* data = nullptr;
      long n = BIO_get_mem_data(bio, &data);
      if (n > 0 && data) pc.subject.assign(data, static_cast<size_t>(n));
      BIO_free(bio);
    }
    int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (idx >= 0) {
      ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
      unsigned char* utf8 = nullptr;
      int len = ASN1_STRING_to_UTF8(&utf8, s);
      if (len >= 0 && utf8) pc.common_name.assign(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
      OPENSSL_free(utf8);
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (X509_digest(cert, EVP_sha256(), md, &md_len) == 1) {
      static const char* kHex = "0123456789abcdef";
      for (unsigned i = 0; i < md_len; ++i) {
        pc.sha256_fingerprint += kHex[md[i] >> 4];
        pc.sha256_fingerprint += kHex[md[i] & 15];
      }
    }
    out = std::move(pc);
  }
  X509_free(cert);
  return out;
}

}  // namespace

std::optional<std::string> Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return std::nullopt;
}

Response Response::json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers.emplace_back("Content-Type", "application/json");
  return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers.emplace_back("Content-Type", std::move(content_type));
  return r;
}

Response Response::problem(int status, std::string_view title, std::string_view detail,
                           const std::vector<std::pair<std::string, std::string>>& extra) {
  std::string body = "{\"type\":\"about:blank\",\"title\":\"" + log::json_escape(std::string(title)) +
                     "\",\"status\":" + std::to_string(status) + ",\"detail\":\"" +
                     log::json_escape(std::string(detail)) + "\"";
  for (const auto& [k, v] : extra) {
    body += ",\"" + log::json_escape(k) + "\":\"" + log::json_escape(v) + "\"";
  }
  body += "}";
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers.emplace_back("Content-Type", "application/problem+json");
  return r;
}

Response& Response::with_header(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

ServerOptions ServerOptions::from_config(const ConfigNode& node) {
  node.allow_only({"address", "port", "threads", "body_limit_bytes", "header_limit_bytes", "read_timeout_ms",
                   "idle_timeout_ms", "max_connections", "tls"});
  ServerOptions o;
  o.address = node.string_or("address", o.address);
  boost::system::error_code ec;
  net::ip::make_address(o.address, ec);
  if (ec) node.fail("address", "must be an IPv4 or IPv6 address such as 127.0.0.1 or 0.0.0.0");
  o.port = static_cast<uint16_t>(node.integer_or("port", o.port, 0, 65535));
  o.threads = static_cast<int>(node.integer_or("threads", o.threads, 1, 256));
  o.default_body_limit = static_cast<size_t>(
      node.integer_or("body_limit_bytes", static_cast<int64_t>(o.default_body_limit), 0, int64_t{1} << 34));
  o.header_limit = static_cast<size_t>(
      node.integer_or("header_limit_bytes", static_cast<int64_t>(o.header_limit), 1024, 1024 * 1024));
  o.read_timeout =
      std::chrono::milliseconds(node.integer_or("read_timeout_ms", o.read_timeout.count(), 1, 3'600'000));
  o.idle_timeout =
      std::chrono::milliseconds(node.integer_or("idle_timeout_ms", o.idle_timeout.count(), 1, 3'600'000));
  o.max_connections = static_cast<size_t>(
      node.integer_or("max_connections", static_cast<int64_t>(o.max_connections), 1, 1'000'000));
  if (auto tls = node.optional_object("tls")) {
    tls->allow_only({"enabled", "cert_file", "key_file", "client_ca_file", "require_client_cert"});
    o.tls.enabled = tls->boolean_or("enabled", true);
    o.tls.cert_file = tls->file_path_or("cert_file", "");
    o.tls.key_file = tls->file_path_or("key_file", "");
    o.tls.client_ca_file = tls->file_path_or("client_ca_file", "");
    o.tls.require_client_cert = tls->boolean_or("require_client_cert", false);
    if (o.tls.enabled && (o.tls.cert_file.empty() || o.tls.key_file.empty())) {
      tls->fail("cert_file", "TLS needs both cert_file and key_file (PEM); set them or set enabled=false");
    }
    if (o.tls.require_client_cert && o.tls.client_ca_file.empty()) {
      tls->fail("require_client_cert",
                "needs client_ca_file: the CA that signs accepted client certificates");
    }
  }
  return o;
}

namespace {
// What sessions see of the server (HttpServer::Impl itself is private to the class).
struct ServerCore {
  ServerOptions options;
  std::vector<Route> routes;
  std::function<std::optional<size_t>(const Request&)> limit_resolver;
  std::function<std::optional<Response>(const Request&)> request_guard;
  // Requests no route took (404, 405, malformed), by method label; set by start().
  std::map<std::string, std::shared_ptr<RouteMetrics>> unmatched;
  metrics::Gauge* in_flight = nullptr;  // set by start()
  std::vector<std::function<void(const EarlyRefusal&)>> refusal_observers;
  std::shared_ptr<PendingAnswers> pending_answers = std::make_shared<PendingAnswers>();
  // Declared before the io_context so that sessions destroyed with it can still count down.
  std::atomic<size_t> connections{0};

  explicit ServerCore(ServerOptions o) : options(std::move(o)) {}

  struct Match {
    const Route* route = nullptr;
    std::string allow;  // methods of routes with this path, when the method did not match
  };

  Match match(const std::string& method, const std::vector<std::string>& segs,
              std::map<std::string, std::string>& params) const {
    Match m;
    for (const auto& r : routes) {
      if (r.segments.size() != segs.size()) continue;
      std::map<std::string, std::string> captured;
      bool ok = true;
      for (size_t i = 0; i < segs.size() && ok; ++i) {
        const std::string& p = r.segments[i];
        if (p.size() >= 2 && p.front() == '{' && p.back() == '}') {
          if (segs[i].empty())
            ok = false;
          else
            captured[p.substr(1, p.size() - 2)] = segs[i];
        } else if (p != segs[i]) {
          ok = false;
        }
      }
      if (!ok) continue;
      if (r.method == method) {
        m.route = &r;
        params = std::move(captured);
        return m;
      }
      if (m.allow.find(r.method) == std::string::npos) {
        if (!m.allow.empty()) m.allow += ", ";
        m.allow += r.method;
      }
    }
    return m;
  }
};

template <class Stream>
constexpr bool kIsTls = !std::is_same_v<Stream, beast::tcp_stream>;

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... Args>
  Session(ServerCore& srv, Args&&... args) : srv_(srv), stream_(std::forward<Args>(args)...) {
    ++srv_.connections;
    boost::system::error_code ec;
    auto ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  ~Session() { --srv_.connections; }

  void run() {
    if constexpr (kIsTls<Stream>) {
      lowest().expires_after(srv_.options.read_timeout);
      stream_.async_handshake(
          ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
            if (ec) {
              log::debug("http", "tls_handshake_failed", ec.message(), {{"remote", self->remote_}});
              self->refused(0, "");
              return;
            }
            self->peer_ = peer_certificate_of(self->stream_.native_handle());
            self->wait_request();
          });
    } else {
      wait_request();
    }
  }

 private:
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  // Waits for the first byte of the next request under the keep-alive idle timeout, so
  // that the whole-request timeout only starts once a request is actually coming.
  void wait_request() {
    if (buffer_.size() > 0) return read_header();
    lowest().expires_after(first_ ? srv_.options.read_timeout : srv_.options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) return self->shutdown();
                              self->buffer_.commit(n);
                              self->read_header();
                            });
  }

  void read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(srv_.options.header_limit));
    // The real limit is set once the route is known; Beast would otherwise refuse a
    // Content-Length above its 8 MB default before we could decide.
    parser_->body_limit((std::numeric_limits<std::uint64_t>::max)());
    lowest().expires_after(srv_.options.read_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    started_ = std::chrono::steady_clock::now();
    route_ = nullptr;
    req_ = Request{};
    if (ec == bhttp::error::header_limit) {
      refused(431, "");
      return write(Response::problem(431, "Request Header Fields Too Large",
                                     "The request header is larger than the limit of " +
                                         std::to_string(srv_.options.header_limit) + " bytes."),
                   Close::kLinger);
    }
    if (ec) {
      if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
          ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
        return write(Response::problem(400, "Bad Request", "The request is not valid HTTP/1.1."),
                     Close::kLinger);
      }
      return shutdown();
    }
    auto& msg = parser_->get();
    req_ = Request{};
    req_.method = std::string(msg.method_string());
    req_.target = std::string(msg.target());
    req_.remote_address = remote_;
    req_.peer_certificate = peer_;
    req_.received_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
    for (const auto& f : msg) req_.headers.emplace_back(lower(f.name_string()), std::string(f.value()));
    req_.request_id = request_id_for(req_.header("x-request-id"));
    in_flight_ = true;
    srv_.in_flight->add(1);

    const bool has_body = !parser_->is_done();
    // An early answer (404, 405, 401...) honours the client's "Connection: close" too.
    const Close early_close = has_body           ? Close::kLinger
                              : msg.keep_alive() ? Close::kKeepAlive
                                                 : Close::kGraceful;

    std::string_view target = req_.target;
    auto qpos = target.find('?');
    std::string_view raw_path = target.substr(0, qpos);
    if (raw_path.empty() || raw_path.front() != '/') {
      return write(Response::problem(400, "Bad Request", "The request target must be an absolute path."),
                   Close::kLinger);
    }
    auto decoded = percent_decode(raw_path, false);
    if (!decoded.ok()) {
      return write(Response::problem(400, "Bad Request", "Path: " + decoded.error().message), early_close);
    }
    req_.path = std::move(decoded).value();
    if (qpos != std::string_view::npos) {
      auto q = parse_query(target.substr(qpos + 1));
      if (!q.ok()) return write(Response::problem(400, "Bad Request", q.error().message), early_close);
      req_.query = std::move(q).value();
    }
    std::vector<std::string> segs;
    for (auto s : split_path(raw_path)) {
      auto d = percent_decode(s, false);
      if (!d.ok()) return write(Response::problem(400, "Bad Request", d.error().message), early_close);
      segs.push_back(std::move(d).value());
    }

    auto m = srv_.match(req_.method, segs, req_.path_params);
    if (!m.route) {
      refused(m.allow.empty() ? 404 : 405, req_.path);
      if (!m.allow.empty()) {
        return write(
            Response::problem(405, "Method Not Allowed",
                              "This path does not accept " + req_.method + "; allowed: " + m.allow + ".")
                .with_header("Allow", m.allow),
            early_close);
      }
      return write(Response::problem(404, "Not Found", "No endpoint at this path."), early_close);
    }
    route_ = m.route;
    if (srv_.request_guard) {
      std::optional<Response> refused;
      try {
        refused = srv_.request_guard(req_);
      } catch (const std::exception& e) {
        log::error("http", "request_guard_failed", e.what(), {{"route", route_->pattern}});
        return write(internal_error(), early_close);
      }
      if (refused) return write(std::move(*refused), early_close);
    }

    size_t limit = route_->limits.body_limit;
    if (srv_.limit_resolver) {
      try {
        if (auto l = srv_.limit_resolver(req_)) limit = *l;
      } catch (const std::exception& e) {
        log::error("http", "body_limit_resolver_failed", e.what(),
                   {{"route", route_->pattern}, {"request_id", req_.request_id}});
        return write(internal_error(), early_close);
      }
    }
    auto too_large = [&] {
      return Response::problem(413, "Content Too Large",
                               "The request body is larger than the limit of " + std::to_string(limit) +
                                   " bytes for this endpoint.",
                               {{"limit_bytes", std::to_string(limit)}});
    };
    if (auto cl = parser_->content_length(); cl && *cl > limit) {
      refused(413, req_.path);
      return write(too_large(), Close::kLinger);
    }
    if (!has_body) return dispatch();
    body_limit_ = limit;
    parser_->body_limit(static_cast<std::uint64_t>(limit));

    if (auto expect = req_.header("expect"); expect && iequals(*expect, "100-continue")) {
      auto cont =
          std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, msg.version());
      bhttp::async_write(stream_, *cont,
                         [self = this->shared_from_this(), cont](beast::error_code ec, size_t) {
                           if (ec) return self->shutdown();
                           self->read_body();
                         });
      return;
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(
        stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
          if (ec == bhttp::error::body_limit) {
            size_t limit = self->body_limit_;
            self->refused(413, self->req_.path);
            return self->write(Response::problem(413, "Content Too Large",
                                                 "The request body is larger than the limit of " +
                                                     std::to_string(limit) + " bytes for this endpoint.",
                                                 {{"limit_bytes", std::to_string(limit)}}),
                               Close::kLinger);
          }
          if (ec) return self->shutdown();
          self->req_.body = std::move(self->parser_->get().body());
          self->dispatch();
        });
  }

  // Tells the observers of a refusal made before any handler; they never stop the answer.
  void refused(int status, const std::string& path) {
    for (auto& observe : srv_.refusal_observers) {
      try {
        observe(EarlyRefusal{status, path, remote_});
      } catch (const std::exception& e) {
        log::error("http", "refusal_observer_failed", e.what(), {{"status", status}});
      }
    }
  }

  static Response internal_error() {
    return Response::problem(500, "Internal Server Error",
                             "The request could not be processed; the error has been logged.");
  }

  void dispatch() {
    if (route_->async_handler) return dispatch_async();
    Response res;
    try {
      res = route_->handler(req_);
    } catch (const std::exception& e) {
      log::error("http", "handler_failed", e.what(),
                 {{"method", route_->method}, {"route", route_->pattern}, {"request_id", req_.request_id}});
      res = internal_error();
    } catch (...) {
      log::error("http", "handler_failed", "a non-standard exception",
                 {{"method", route_->method}, {"route", route_->pattern}, {"request_id", req_.request_id}});
      res = internal_error();
    }
    write(std::move(res), parser_->get().keep_alive() ? Close::kKeepAlive : Close::kGraceful);
  }

  enum class Close { kKeepAlive, kGraceful, kLinger };

  void dispatch_async() {
    const Close close = parser_->get().keep_alive() ? Close::kKeepAlive : Close::kGraceful;
    auto token = std::make_shared<AnswerToken>();
    token->pending = srv_.pending_answers;
    {
      std::lock_guard lock(token->pending->mu);
      token->key = token->pending->next_key++;
      token->pending->waiting.emplace(token->key, [self = this->shared_from_this(), close](Response r) {
        net::post(self->stream_.get_executor(),
                  [self, r = std::move(r), close]() mutable { self->write(std::move(r), close); });
      });
    }
    Responder respond = [token](Response r) { token->answer(std::move(r)); };
    token.reset();  // from here only the responder's copies keep it
    try {
      route_->async_handler(req_, std::move(respond));
    } catch (const std::exception& e) {
      // The responder, if not kept by the handler, answers 500 as it goes.
      log::error("http", "handler_failed", e.what(),
                 {{"method", route_->method}, {"route", route_->pattern}, {"request_id", req_.request_id}});
    } catch (...) {
      log::error("http", "handler_failed", "a non-standard exception",
                 {{"method", route_->method}, {"route", route_->pattern}, {"request_id", req_.request_id}});
    }
  }

  void write(Response r, Close close) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
    if (r.status < 200 || r.status > 599) {
      log::error("http", "handler_invalid_status", "handler answered an invalid HTTP status; sending 500",
                 {{"status", r.status}, {"request_id", req_.request_id}});
      r = internal_error();
    }
    // These statuses carry no body by definition (RFC 9110); a handler's body is dropped.
    if (r.status == 204 || r.status == 304) r.body.clear();
    res->version(version);
    res->result(static_cast<unsigned>(r.status));
    try {
      for (auto& [k, v] : r.headers) res->insert(beast::string_view(k), v);
    } catch (const std::exception& e) {
      log::error("http", "handler_invalid_header",
                 std::string("handler answered an invalid header; sending 500: ") + e.what(),
                 {{"request_id", req_.request_id}});
      res->clear();
      res->result(500);
      r = internal_error();
      for (auto& [k, v] : r.headers) res->insert(beast::string_view(k), v);
    }
    if (req_.request_id.empty()) req_.request_id = request_id_for(std::nullopt);
    res->set("X-Request-Id", req_.request_id);
    if (is_problem(*res) && !r.body.empty() && r.body.back() == '}')
      r.body.insert(r.body.size() - 1, ",\"request_id\":\"" + req_.request_id + "\"");
    res->body() = std::move(r.body);
    res->keep_alive(close == Close::kKeepAlive);
    res->prepare_payload();
    account(r.status, res->body().size());
    lowest().expires_after(srv_.options.read_timeout);
    bhttp::async_write(stream_, *res,
                       [self = this->shared_from_this(), res, close](beast::error_code ec, size_t) {
                         if (ec) return;
                         if (close == Close::kLinger) return self->linger();
                         if (close == Close::kGraceful) return self->shutdown();
                         self->first_ = false;
                         self->wait_request();
                       });
  }

  static bool is_problem(const bhttp::response<bhttp::string_body>& res) {
    auto ct = res[bhttp::field::content_type];
    return ct.starts_with("application/problem+json");
  }

  // Metrics and the access-log line of the request being answered.
  void account(int status, size_t bytes) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    if (in_flight_) {
      srv_.in_flight->add(-1);
      in_flight_ = false;
    }
    RouteMetrics* rm = nullptr;
    if (route_) {
      rm = route_->metrics.get();
    } else {
      auto it = srv_.unmatched.find(method_label(req_.method));
      rm = it == srv_.unmatched.end() ? srv_.unmatched.at("other").get() : it->second.get();
    }
    rm->record(status, seconds);
    if (log::access_log_enabled()) {
      log::info("http", "http_access", "request answered",
                {{"listener", srv_.options.name},
                 {"method", req_.method.empty() ? std::string("-") : method_label(req_.method)},
                 {"route", rm->route()},
                 {"status", status},
                 {"bytes", static_cast<unsigned long>(bytes)},
                 {"duration_ms", seconds * 1000.0},
                 {"request_id", req_.request_id},
                 {"remote", remote_}});
    }
  }

  // After answering early (413, 431, ...) the client may still be sending a body we will
  // not read. Closing at once would reset the connection and could destroy our answer in
  // the client's receive buffer, so: stop sending, discard (never buffer) what arrives for
  // a short while, then close. TLS records are discarded raw, below the TLS layer.
  void linger() {
    boost::system::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    lowest().expires_after(std::min<std::chrono::milliseconds>(srv_.options.read_timeout, kLingerTime));
    drain();
  }

  void drain() {
    lowest().async_read_some(net::buffer(discard_),
                             [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                               self->drained_ += n;
                               if (ec || self->drained_ > kMaxDrain) return;
                               self->drain();
                             });
  }

  void shutdown() {
    if constexpr (kIsTls<Stream>) {
      lowest().expires_after(std::chrono::seconds(1));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    } else {
      boost::system::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  static constexpr std::chrono::milliseconds kLingerTime{2'000};
  static constexpr size_t kMaxDrain = 16 * 1024 * 1024;

  ServerCore& srv_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Request req_;
  const Route* route_ = nullptr;
  std::optional<PeerCertificate> peer_;
  std::string remote_;
  bool first_ = true;
  std::array<char, 8192> discard_{};
  size_t drained_ = 0;
  size_t body_limit_ = 0;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  bool in_flight_ = false;
};

}  // namespace

struct HttpServer::Impl : ServerCore {
  std::mutex mu;
  std::unique_ptr<net::io_context> ioc;
  std::unique_ptr<ssl::context> ssl_ctx;
  TlsCertificateSwitch tls_switch;  // SIGHUP's new certificate (tls_reload.hpp)
  std::unique_ptr<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  uint16_t port = 0;

  explicit Impl(ServerOptions o) : ServerCore(std::move(o)) {}
  void do_accept();
};

void HttpServer::Impl::do_accept() {
  acceptor->async_accept(net::make_strand(*ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (!ec) {
      // Without it, Nagle holds the server's last handshake records (TLS 1.3 session
      // tickets) for the client's delayed ACK: about 25 ms on every new TLS connection.
      boost::system::error_code nodelay_ec;
      socket.set_option(tcp::no_delay(true), nodelay_ec);
      if (connections.load() >= options.max_connections) {
        // Over the limit: refuse at once rather than queue work we cannot serve.
        log::warn("http", "connection_refused", "refusing a connection: max_connections reached",
                  {{"listener", options.name},
                   {"max_connections", static_cast<unsigned long>(options.max_connections)}});
        boost::system::error_code ignored;
        socket.close(ignored);
      } else if (ssl_ctx) {
        std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(*this, std::move(socket), *ssl_ctx)
            ->run();
      } else {
        std::make_shared<Session<beast::tcp_stream>>(*this, std::move(socket))->run();
      }
    } else {
      log::warn("http", "accept_failed", ec.message(), {{"listener", options.name}});
    }
    if (acceptor && acceptor->is_open()) do_accept();
  });
}

HttpServer::HttpServer(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::route(std::string method, std::string pattern, Handler handler, RouteLimits limits) {
  std::lock_guard lock(impl_->mu);
  if (impl_->ioc) throw std::logic_error("HttpServer::route called after start()");
  Route r;
  r.method = std::move(method);
  for (auto s : split_path(pattern)) r.segments.emplace_back(s);
  r.pattern = std::move(pattern);
  r.handler = std::move(handler);
  r.limits = limits;
  impl_->routes.push_back(std::move(r));
}

void HttpServer::route_async(std::string method, std::string pattern, AsyncHandler handler,
                             RouteLimits limits) {
  std::lock_guard lock(impl_->mu);
  if (impl_->ioc) throw std::logic_error("HttpServer::route_async called after start()");
  Route r;
  r.method = std::move(method);
  for (auto s : split_path(pattern)) r.segments.emplace_back(s);
  r.pattern = std::move(pattern);
  r.async_handler = std::move(handler);
  r.limits = limits;
  impl_->routes.push_back(std::move(r));
}

void HttpServer::set_request_guard(std::function<std::optional<Response>(const Request&)> guard) {
  std::lock_guard lock(impl_->mu);
  if (impl_->ioc) throw std::logic_error("HttpServer::set_request_guard called after start()");
  impl_->request_guard = std::move(guard);
}

void HttpServer::set_limit_resolver(std::function<std::optional<size_t>(const Request&)> resolver) {
  std::lock_guard lock(impl_->mu);
  if (impl_->ioc) throw std::logic_error("HttpServer::set_limit_resolver called after start()");
  impl_->limit_resolver = std::move(resolver);
}

void HttpServer::add_refusal_observer(std::function<void(const EarlyRefusal&)> observer) {
  std::lock_guard lock(impl_->mu);
  if (impl_->ioc) throw std::logic_error("HttpServer::add_refusal_observer called after start()");
  impl_->refusal_observers.push_back(std::move(observer));
}

uint16_t HttpServer::start() {
  std::lock_guard lock(impl_->mu);
  auto& im = *impl_;
  if (im.ioc) throw std::logic_error("HttpServer::start called twice");
  im.pending_answers = std::make_shared<PendingAnswers>();
  const auto& o = im.options;
  for (auto& r : im.routes) r.metrics = std::make_shared<RouteMetrics>(o.name, r.pattern, r.method);
  for (const char* m : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"})
    im.unmatched[m] = std::make_shared<RouteMetrics>(o.name, "unmatched", m);
  im.in_flight = &metrics::Registry::global().gauge(
      "lienthong_http_requests_in_flight", "Inbound HTTP requests being handled", {{"listener", o.name}});
  const std::string where = o.address + ":" + std::to_string(o.port);

  std::unique_ptr<ssl::context> ctx;
  if (o.tls.enabled) {
    ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    try {
      ctx->use_certificate_chain_file(o.tls.cert_file);
      ctx->use_private_key_file(o.tls.key_file, ssl::context::pem);
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error("TLS for " + where + ": cannot load cert_file '" + o.tls.cert_file +
                               "' / key_file '" + o.tls.key_file + "' (" + e.what() +
                               "); check the paths and that the key matches the certificate");
    }
    if (!o.tls.client_ca_file.empty()) {
      try {
        ctx->load_verify_file(o.tls.client_ca_file);
      } catch (const boost::system::system_error& e) {
        throw std::runtime_error("TLS for " + where + ": cannot load client_ca_file '" +
                                 o.tls.client_ca_file + "' (" + e.what() + ")");
      }
      ctx->set_verify_mode(ssl::verify_peer |
                           (o.tls.require_client_cert ? ssl::verify_fail_if_no_peer_cert : ssl::verify_none));
      // Client certificates with session resumption need a session id context.
      static const unsigned char kSid[] = "lienthong";
      SSL_CTX_set_session_id_context(ctx->native_handle(), kSid, sizeof kSid - 1);
    }
  }

  auto ioc = std::make_unique<net::io_context>(std::max(1, o.threads));
  auto acceptor = std::make_unique<tcp::acceptor>(*ioc);
  boost::system::error_code ec;
  auto address = net::ip::make_address(o.address, ec);
  if (ec) throw std::runtime_error("cannot listen on " + where + ": bad address (" + ec.message() + ")");
  tcp::endpoint ep(address, o.port);
  acceptor->open(ep.protocol(), ec);
  if (!ec) acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(ep, ec);
  if (!ec) acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + where + ": " + ec.message() +
                             "; is another process using the port?");
  }
  im.port = acceptor->local_endpoint().port();
  if (ctx) im.tls_switch.install(ctx->native_handle(), o.tls);
  im.ssl_ctx = std::move(ctx);
  im.acceptor = std::move(acceptor);
  im.ioc = std::move(ioc);
  im.do_accept();
  for (int i = 0; i < std::max(1, o.threads); ++i) {
    im.threads.emplace_back([&im] {
      for (;;) {
        try {
          im.ioc->run();
          return;
        } catch (const std::exception& e) {
          log::error("http", "worker_exception", e.what());
        }
      }
    });
  }
  return im.port;
}

void HttpServer::stop() {
  std::lock_guard lock(impl_->mu);
  auto& im = *impl_;
  if (!im.ioc) return;
  // Answers still to come are dropped from now on; their sessions go with the io_context.
  std::unordered_map<uint64_t, std::function<void(Response)>> waiting;
  {
    std::lock_guard plock(im.pending_answers->mu);
    im.pending_answers->open = false;
    waiting.swap(im.pending_answers->waiting);
  }
  im.ioc->stop();
  for (auto& t : im.threads) t.join();
  im.threads.clear();
  waiting.clear();
  im.acceptor.reset();
  // Destroying the io_context destroys the pending handlers and with them the sessions.
  im.ioc.reset();
  im.ssl_ctx.reset();
}

uint16_t HttpServer::port() const {
  return impl_->port;
}

}  // namespace lienthong::server
