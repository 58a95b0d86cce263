// Admission: whether a push may be taken at all, decided before anything is written.
// In order: the source is configured (404), the body is within its limit (413), the
// sender proves who it is by the source's authentication schemes (401), the delivery
// has a usable webhook-id (400), the source is within its rate (429), and the body's
// Content-Type is what the source sends (415). A source without webhook-id (delivery_id
// "derived") has its body parsed here instead (400 when malformed) and its id derived
// from the record (record_id.hpp).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/server/http_server.hpp"
#include "gateway/flows/webhooks/authentication.hpp"
#include "gateway/flows/webhooks/outcome.hpp"
#include "gateway/flows/webhooks/payload.hpp"
#include "gateway/flows/webhooks/rate_limiter.hpp"
#include "gateway/flows/webhooks/webhook_config.hpp"

namespace lienthong::webhooks {

// Longer ids are refused: the id is a primary-key column and echoed in answers.
inline constexpr size_t kMaxWebhookIdLength = 256;

// A delivery admitted for intake.
struct Admitted {
  const SourceConfig* source = nullptr;
  std::string webhook_id;
  PayloadFormat format = PayloadFormat::kJson;
  // Derived ids only: the parsed body, and the digest of its canonical content, which
  // stands for the body's hash when a redelivery is compared with the first delivery.
  std::optional<rapidjson::Document> payload;
  std::string content_hash;
};

class Admission {
 public:
  // `config` must outlive this. Throws ConfigError when a source names a scheme that
  // `schemes` does not hold.
  Admission(const WebhooksConfig& config, const Clock& clock,
            const AuthSchemes& schemes = AuthSchemes::standard());
  ~Admission();

  // The refusal (a problem Outcome), or what intake needs. Takes a rate-limit token.
  std::variant<Outcome, Admitted> admit(std::string_view source, const server::Request& request);
  // Only who is asking (source, authentication, rate), for a request without a record
  // (GET …/LayMaHoSo): the refusal, or the source.
  std::variant<Outcome, const SourceConfig*> authenticate(std::string_view source,
                                                          const server::Request& request);
  // Per-source body limit (nullopt: unknown source).
  std::optional<size_t> body_limit(std::string_view source) const;

 private:
  struct Source {
    const SourceConfig* config = nullptr;
    std::vector<std::unique_ptr<Authenticator>> authenticators;
    std::unique_ptr<TokenBucket> bucket;
  };
  std::optional<Outcome> rate_limited(const Source& source) const;
  std::variant<Outcome, Admitted> admit_derived(const Source& source, const server::Request& request);
  static std::optional<Outcome> media_type(const SourceConfig& source, const server::Request& request,
                                           PayloadFormat& format);

  const WebhooksConfig& config_;
  std::map<std::string, Source, std::less<>> sources_;
};

}  // namespace lienthong::webhooks
