#include "gateway/flows/webhooks/authentication.hpp"

#include <algorithm>
#include <stdexcept>

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

}  // namespace

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
    case AuthMode::kBoth:
      break;
  }
  return {kMutualTlsScheme, kStandardWebhooksScheme};
}

AuthSchemes AuthSchemes::standard() {
  AuthSchemes s;
  s.add(std::string(kStandardWebhooksScheme), make_standard_webhooks_auth);
  s.add(std::string(kMutualTlsScheme),
        [](const SourceConfig& c, const Clock&) { return make_mutual_tls_auth(c); });
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
  for (std::string_view name : scheme_names(source.auth)) {
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
