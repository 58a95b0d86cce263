#include "gateway/flows/webhooks/admission.hpp"

#include <algorithm>

#include "gateway/flows/webhooks/record_id.hpp"

namespace lienthong::webhooks {

namespace {
bool printable_id(std::string_view id) {
  return std::all_of(id.begin(), id.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
}
}  // namespace

Admission::Admission(const WebhooksConfig& config, const Clock& clock, const AuthSchemes& schemes)
    : config_(config) {
  for (const auto& sc : config.sources) {
    Source s;
    s.config = &sc;
    s.authenticators = schemes.build(sc, clock);
    if (sc.rate_per_second > 0) s.bucket = std::make_unique<TokenBucket>(sc.rate_per_second, sc.burst, clock);
    sources_.emplace(sc.id, std::move(s));
  }
}

Admission::~Admission() = default;

std::variant<Outcome, Admitted> Admission::admit(std::string_view source_id, const server::Request& req) {
  auto it = sources_.find(source_id);
  if (it == sources_.end()) {
    return problem(404, "unknown-source", "Unknown webhook source",
                   "no webhook source '" + std::string(source_id) + "' is configured; check the URL (" +
                       config_.path_prefix + "/{source}) or ask the operator to register the system");
  }
  const Source& src = it->second;
  const SourceConfig& sc = *src.config;
  if (req.body.size() > sc.body_limit) {
    return problem(413, "body-too-large", "Body too large",
                   "the body exceeds the limit of " + std::to_string(sc.body_limit) + " bytes for source '" +
                       sc.id + "'");
  }
  for (const auto& a : src.authenticators) {
    if (auto refused = a->check(req)) return std::move(*refused);
  }
  if (sc.delivery_id == DeliveryIdSource::kDerived) return admit_derived(src, req);
  auto id = request_header(req, "webhook-id");
  if (!id || id->empty() || id->size() > kMaxWebhookIdLength || !printable_id(*id)) {
    return problem(
        400, "bad-webhook-id", "webhook-id required",
        "every delivery needs a webhook-id header (1-256 printable ASCII characters) that stays the "
        "same when the message is redelivered");
  }
  if (auto limited = rate_limited(src)) return std::move(*limited);
  Admitted a;
  a.source = &sc;
  a.webhook_id = std::string(*id);
  if (auto wrong = media_type(sc, req, a.format)) return std::move(*wrong);
  return a;
}

std::variant<Outcome, const SourceConfig*> Admission::authenticate(std::string_view source_id,
                                                                   const server::Request& req) {
  auto it = sources_.find(source_id);
  if (it == sources_.end()) {
    return problem(404, "unknown-source", "Unknown webhook source",
                   "no webhook source '" + std::string(source_id) + "' is configured; check the URL");
  }
  const Source& src = it->second;
  for (const auto& a : src.authenticators) {
    if (auto refused = a->check(req)) return std::move(*refused);
  }
  if (auto limited = rate_limited(src)) return std::move(*limited);
  return src.config;
}

std::variant<Outcome, Admitted> Admission::admit_derived(const Source& src, const server::Request& req) {
  if (auto limited = rate_limited(src)) return std::move(*limited);
  Admitted a;
  a.source = src.config;
  if (auto wrong = media_type(*src.config, req, a.format)) return std::move(*wrong);
  auto payload = parse_payload(req.body, a.format);
  if (!payload.ok()) return problem(400, "malformed-payload", "Malformed payload", payload.error().message);
  DerivedId d = derive_delivery_id(*src.config, *payload);
  a.webhook_id = std::move(d.id);
  a.content_hash = std::move(d.digest);
  a.payload = std::move(payload).value();
  return a;
}

std::optional<Outcome> Admission::rate_limited(const Source& src) const {
  if (!src.bucket) return std::nullopt;
  int64_t wait_ms = src.bucket->try_take();
  if (wait_ms <= 0) return std::nullopt;
  int64_t s = (wait_ms + 999) / 1000;
  return problem(429, "rate-limited", "Rate limit exceeded",
                 "source '" + src.config->id + "' is limited to " +
                     std::to_string(static_cast<int64_t>(src.config->rate_per_second)) +
                     " webhooks per second; retry after " + std::to_string(s) + " s",
                 s);
}

std::optional<Outcome> Admission::media_type(const SourceConfig& sc, const server::Request& req,
                                             PayloadFormat& format) {
  auto ct = request_header(req, "content-type");
  auto f = format_for_content_type(ct ? *ct : std::string_view());
  if (!f.ok()) return problem(415, "unsupported-media-type", "Unsupported Content-Type", f.error().message);
  bool want_soap = sc.payload == PayloadKind::kSoap;
  if ((*f != PayloadFormat::kJson) != want_soap) {
    return problem(
        415, "unsupported-media-type", "Unsupported Content-Type",
        "source '" + sc.id + "' sends " +
            (want_soap ? "SOAP envelopes (text/xml for SOAP 1.1, application/soap+xml for SOAP 1.2)"
                       : "JSON (application/json)"));
  }
  format = *f;
  return std::nullopt;
}

std::optional<size_t> Admission::body_limit(std::string_view source) const {
  auto it = sources_.find(source);
  if (it == sources_.end()) return std::nullopt;
  return it->second.config->body_limit;
}

}  // namespace lienthong::webhooks
