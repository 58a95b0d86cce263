#include "gateway/flows/webhooks/authentication.hpp"

#include <algorithm>
#include <stdexcept>

#include "gateway/core/common/digest.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/common/text.hpp"
#include "gateway/core/config/config.hpp"
#include "gateway/flows/webhooks/standard_webhooks.hpp"

namespace lienthong::webhooks {

std::optional<std::string_view> request_header(const server::Request& r, std::string_view name) {
  for (auto& [k, v] : r.headers) {
    if (iequals(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

namespace {

// Equal without telling, by time, where they differ or how long the expected key is: the
// digests have one length whatever was sent.
bool keys_equal(std::string_view given, std::string_view expected) {
  return constant_time_equal(sha256_hex(given), sha256_hex(expected));
}

std::string_view failure_title(VerifyFailure f) {
  switch (f) {
    case VerifyFailure::kMissingHeaders:
      return "Missing webhook signature headers";
    case VerifyFailure::kBadTimestamp:
      return "Invalid webhook-timestamp";
    case VerifyFailure::kStale:
      return "Webhook timestamp too old";
    case VerifyFailure::kFuture:
      return "Webhook timestamp in the future";
    case VerifyFailure::kBadSignatureHeader:
      return "Malformed webhook-signature";
    case VerifyFailure::kNoMatch:
      break;
  }
  return "Invalid webhook signature";
}

class StandardWebhooksAuth final : public Authenticator {
 public:
  StandardWebhooksAuth(const SourceConfig& s, const Clock& clock)
      : keys_(s.keys), tolerance_s_(s.tolerance_seconds), clock_(clock) {}
  std::string_view scheme() const override { return kStandardWebhooksScheme; }

  std::optional<Outcome> check(const server::Request& req) const override {
    SignedHeaders h;
    auto id = request_header(req, "webhook-id");
    auto ts = request_header(req, "webhook-timestamp");
    auto sig = request_header(req, "webhook-signature");
    h.has_id = id.has_value();
    h.has_timestamp = ts.has_value();
    h.has_signature = sig.has_value();
    if (id) h.id = *id;
    if (ts) h.timestamp = *ts;
    if (sig) h.signature = *sig;
    VerifyResult v = verify(keys_, h, req.body, clock_.now_ms() / 1000, tolerance_s_);
    if (v.ok) return std::nullopt;
    return problem(401, std::string(to_string(v.failure)), std::string(failure_title(v.failure)), v.detail);
  }

 private:
  std::vector<std::string> keys_;
  int64_t tolerance_s_;
  const Clock& clock_;
};

class MutualTlsAuth final : public Authenticator {
 public:
  explicit MutualTlsAuth(const SourceConfig& s)
      : source_(s.id), subjects_(s.client_subjects), fingerprints_(s.client_fingerprints) {}
  std::string_view scheme() const override { return kMutualTlsScheme; }

  std::optional<Outcome> check(const server::Request& req) const override {
    if (!req.peer_certificate) {
      return problem(401, "client-certificate-required", "Client certificate required",
                     "source '" + source_ +
                         "' authenticates by mutual TLS; connect over TLS with the client "
                         "certificate issued to this system");
    }
    const auto& pc = *req.peer_certificate;
    bool allowed =
        std::find(subjects_.begin(), subjects_.end(), pc.subject) != subjects_.end() ||
        std::find(fingerprints_.begin(), fingerprints_.end(), pc.sha256_fingerprint) != fingerprints_.end();
    if (allowed) return std::nullopt;
    return problem(401, "client-certificate-not-allowed", "Client certificate not allowed for this source",
                   // The fingerprint, not the subject: a subject may name a person.
                   "the client certificate (SHA-256 " + pc.sha256_fingerprint +
                       ") is not registered for source '" + source_ +
                       "'; ask the operator to add its subject or SHA-256 fingerprint");
  }

 private:
  std::string source_;
  std::vector<std::string> subjects_, fingerprints_;
};

// The key is never echoed or logged; refusals say which member or parameter was looked at.
class SharedKeyAuth final : public Authenticator {
 public:
  explicit SharedKeyAuth(const SourceConfig& s)
      : source_(s.id),
        key_(s.shared_key),
        field_(s.shared_key_body_field),
        param_(s.shared_key_query_parameter) {}
  std::string_view scheme() const override { return kSharedKeyScheme; }

  std::optional<Outcome> check(const server::Request& req) const override {
    std::string where = field_.empty() ? "query parameter '" + param_ + "'" : "body member '" + field_ + "'";
    auto given = field_.empty() ? from_query(req) : from_body(req);
    if (!given || given->empty()) {
      return problem(401, "missing-key", "Shared key missing",
                     "source '" + source_ + "' authenticates by a shared key in the " + where +
                         "; it is missing or empty");
    }
    if (keys_equal(*given, key_)) return std::nullopt;
    return problem(401, "bad-key", "Shared key does not match",
                   "the " + where + " does not hold the key agreed with source '" + source_ +
                       "'; check the key configured at the sender");
  }

 private:
  std::optional<std::string> from_query(const server::Request& req) const {
    auto it = req.query.find(param_);
    if (it == req.query.end()) return std::nullopt;
    return it->second;
  }
  std::optional<std::string> from_body(const server::Request& req) const {
    auto doc = json::parse(req.body, "webhook body");
    if (!doc.ok() || !doc->IsObject()) return std::nullopt;
    const rapidjson::Value* v = json::at_path(*doc, field_);
    if (!v || !v->IsString()) return std::nullopt;
    return std::string(v->GetString(), v->GetStringLength());
  }

  std::string source_, key_, field_, param_;
};

class TrustedUpstreamAuth final : public Authenticator {
 public:
  explicit TrustedUpstreamAuth(const SourceConfig& s)
      : source_(s.id), prefix_(s.upstream_path_prefix), addresses_(s.upstream_addresses) {}
  std::string_view scheme() const override { return kTrustedUpstreamScheme; }

  std::optional<Outcome> check(const server::Request& req) const override {
    std::string_view path = req.path;
    if (path.size() <= prefix_.size() || path.substr(0, prefix_.size()) != prefix_ ||
        path[prefix_.size()] != '/') {
      return problem(401, "not-forwarded", "Not forwarded by the trusted adapter",
                     "source '" + source_ + "' is accepted only through the X-Road/VXP adapter's path " +
                         prefix_ + "/…; this request came to " + std::string(path));
    }
    std::string_view addr = address_without_port(req.remote_address);
    for (const auto& r : addresses_) {
      if (r.contains(addr)) return std::nullopt;
    }
    return problem(401, "untrusted-address", "Not from the trusted adapter",
                   "the connection from " + std::string(addr) +
                       " is not one of the adapter addresses configured for source '" + source_ +
                       "' (webhooks.sources." + source_ + ".trusted_upstream.addresses)");
  }

 private:
  std::string source_, prefix_;
  std::vector<AddressRange> addresses_;
};

class LgspBearerAuth final : public Authenticator {
 public:
  explicit LgspBearerAuth(const SourceConfig& s) : source_(s.id), tokens_(s.bearer_tokens) {}
  std::string_view scheme() const override { return kLgspBearerScheme; }

  std::optional<Outcome> check(const server::Request& req) const override {
    auto h = request_header(req, "authorization");
    constexpr std::string_view kBearer = "bearer ";
    if (!h || h->size() <= kBearer.size() || !iequals(h->substr(0, kBearer.size()), kBearer)) {
      return problem(401, "missing-token", "Bearer token missing",
                     "source '" + source_ +
                         "' authenticates by an LGSP bearer token: send Authorization: Bearer <token>");
    }
    std::string_view token = h->substr(kBearer.size());
    bool ok = false;
    // Every token is compared, so the time does not tell which one nearly matched.
    for (const auto& t : tokens_) ok = keys_equal(token, t) || ok;
    if (ok) return std::nullopt;
    return problem(401, "bad-token", "Bearer token not accepted",
                   "the bearer token is not one configured for source '" + source_ + "'");
  }

 private:
  std::string source_;
  std::vector<std::string> tokens_;
};

}  // namespace

std::unique_ptr<Authenticator> make_shared_key_auth(const SourceConfig& source) {
  return std::make_unique<SharedKeyAuth>(source);
}

std::unique_ptr<Authenticator> make_trusted_upstream_auth(const SourceConfig& source) {
  return std::make_unique<TrustedUpstreamAuth>(source);
}

std::unique_ptr<Authenticator> make_lgsp_bearer_auth(const SourceConfig& source) {
  return std::make_unique<LgspBearerAuth>(source);
}

std::unique_ptr<Authenticator> make_standard_webhooks_auth(const SourceConfig& source, const Clock& clock) {
  return std::make_unique<StandardWebhooksAuth>(source, clock);
}

std::unique_ptr<Authenticator> make_mutual_tls_auth(const SourceConfig& source) {
  return std::make_unique<MutualTlsAuth>(source);
}

std::vector<std::string_view> scheme_names(AuthMode mode) {
  switch (mode) {
    case AuthMode::kStandardWebhooks:
      return {kStandardWebhooksScheme};
    case AuthMode::kMtls:
      return {kMutualTlsScheme};
    case AuthMode::kSharedKey:
      return {kSharedKeyScheme};
    case AuthMode::kLgspBearer:
      return {kLgspBearerScheme};
    case AuthMode::kTrustedUpstream:
      return {kTrustedUpstreamScheme};
    case AuthMode::kBoth:
      break;
  }
  return {kMutualTlsScheme, kStandardWebhooksScheme};
}

std::vector<std::string_view> scheme_names(const SourceConfig& source) {
  auto names = scheme_names(source.auth);
  // The adapter's certificate first (no body read), then its path and address.
  if (source.auth == AuthMode::kTrustedUpstream && source.upstream_client_certificate)
    names.insert(names.begin(), kMutualTlsScheme);
  return names;
}

AuthSchemes AuthSchemes::standard() {
  AuthSchemes s;
  s.add(std::string(kStandardWebhooksScheme), make_standard_webhooks_auth);
  s.add(std::string(kMutualTlsScheme),
        [](const SourceConfig& c, const Clock&) { return make_mutual_tls_auth(c); });
  s.add(std::string(kSharedKeyScheme),
        [](const SourceConfig& c, const Clock&) { return make_shared_key_auth(c); });
  s.add(std::string(kTrustedUpstreamScheme),
        [](const SourceConfig& c, const Clock&) { return make_trusted_upstream_auth(c); });
  s.add(std::string(kLgspBearerScheme),
        [](const SourceConfig& c, const Clock&) { return make_lgsp_bearer_auth(c); });
  return s;
}

void AuthSchemes::add(std::string name, Factory factory) {
  if (factories_.count(name))
    throw std::logic_error("webhook authentication scheme '" + name + "' registered twice");
  factories_.emplace(std::move(name), std::move(factory));
}

std::vector<std::unique_ptr<Authenticator>> AuthSchemes::build(const SourceConfig& source,
                                                               const Clock& clock) const {
  std::vector<std::unique_ptr<Authenticator>> out;
  for (std::string_view name : scheme_names(source)) {
    auto it = factories_.find(name);
    if (it == factories_.end()) {
      throw ConfigError("webhooks.sources." + source.id + ".auth: the scheme '" + std::string(name) +
                        "' is not available in this build");
    }
    out.push_back(it->second(source, clock));
  }
  return out;
}

}  // namespace lienthong::webhooks
