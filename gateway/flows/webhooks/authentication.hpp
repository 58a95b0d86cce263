// How a webhook source proves who it is. Each scheme is an Authenticator; a source's
// `auth` names the schemes it must pass (all of them, in order), and AuthSchemes builds
// them from the source's config. A new scheme (issue #27: the national systems' own
// ones) is one more Authenticator registered under its name; admission does not change.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/server/http_server.hpp"
#include "gateway/flows/webhooks/outcome.hpp"
#include "gateway/flows/webhooks/webhook_config.hpp"

namespace lienthong::webhooks {

inline constexpr std::string_view kStandardWebhooksScheme = "standard_webhooks";
inline constexpr std::string_view kMutualTlsScheme = "mtls";
inline constexpr std::string_view kSharedKeyScheme = "shared_key";
inline constexpr std::string_view kTrustedUpstreamScheme = "trusted_upstream";
inline constexpr std::string_view kLgspBearerScheme = "lgsp_bearer";

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual std::string_view scheme() const = 0;
  // nullopt: proven. Otherwise the 401 to answer; nothing is written either way.
  virtual std::optional<Outcome> check(const server::Request& request) const = 0;
};

// The first header of that (lower-case) name.
std::optional<std::string_view> request_header(const server::Request& request, std::string_view name);

// The schemes a source's `auth` value asks for, in the order they are checked: the
// client certificate (cheap, no body read) before the signature.
std::vector<std::string_view> scheme_names(AuthMode mode);
// The same for a source: trusted_upstream with client_certificate checks mtls first.
std::vector<std::string_view> scheme_names(const SourceConfig& source);

class AuthSchemes {
 public:
  using Factory = std::function<std::unique_ptr<Authenticator>(const SourceConfig&, const Clock&)>;
  // standard_webhooks, mtls, shared_key, trusted_upstream and lgsp_bearer.
  static AuthSchemes standard();
  // Throws std::logic_error when `name` is registered already (a start-up bug).
  void add(std::string name, Factory factory);
  // One authenticator per scheme of the source; ConfigError naming the source and the
  // scheme when one is not registered.
  std::vector<std::unique_ptr<Authenticator>> build(const SourceConfig& source, const Clock& clock) const;

 private:
  std::map<std::string, Factory, std::less<>> factories_;
};

// Standard Webhooks signature (standard_webhooks.hpp) within the source's tolerance.
std::unique_ptr<Authenticator> make_standard_webhooks_auth(const SourceConfig& source, const Clock& clock);
// A verified client certificate whose subject or SHA-256 fingerprint is registered.
std::unique_ptr<Authenticator> make_mutual_tls_auth(const SourceConfig& source);
// A shared key in a named member of the JSON body or a query parameter, compared in
// constant time (DVCQG's SecurityKey, the criminal-record service's code).
std::unique_ptr<Authenticator> make_shared_key_auth(const SourceConfig& source);
// Forwarded by the province's X-Road/VXP adapter: the path begins with the adapter's
// forward prefix and the connection comes from one of its configured addresses.
std::unique_ptr<Authenticator> make_trusted_upstream_auth(const SourceConfig& source);
// Authorization: Bearer <token> as the LGSP/NGSP platform sends it, one of the configured tokens.
std::unique_ptr<Authenticator> make_lgsp_bearer_auth(const SourceConfig& source);

}  // namespace lienthong::webhooks
