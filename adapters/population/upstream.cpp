// The population adapter built from its config section (citizen_lookup.upstream), with the
// HTTP client and the NGSP/LGSP token provider it sends through: what app/ hands to the
// citizen flow.
#include <memory>

#include "adapters/population/population_registry.hpp"
#include "gateway/core/http/http_client.hpp"
#include "gateway/core/http/token_provider.hpp"

namespace lienthong::population {

namespace {

// Owns what the registry sends through; they live as long as it does.
class UpstreamRegistry final : public PopulationRegistry {
 public:
  UpstreamRegistry(const ConfigNode& upstream, const Clock& clock) {
    RegistryOptions options = RegistryOptions::from_config(upstream);
    http::ClientOptions client_options;
    if (auto client = upstream.optional_object("client"))
      client_options = http::ClientOptions::from_config(*client);
    client_ = std::make_unique<http::HttpClient>(client_options);
    auto token_options = http::TokenOptions::from_config(upstream.object("token"));
    token_options.system = "ngsp";  // the population database is reached through NGSP
    if (options.lgsp_access_token_on_token_request)
      token_options.extra_headers.push_back({"lgspaccesstoken", options.lgsp_access_token});
    tokens_ = std::make_unique<http::TokenProvider>(std::move(token_options), *client_, clock);
    inner_ = make_population_registry(std::move(options), [tokens = tokens_.get()](http::ClientRequest r) {
      return tokens->send(std::move(r));
    });
  }
  Result<Answer> lookup(const Query& query) override { return inner_->lookup(query); }

 private:
  std::unique_ptr<http::HttpClient> client_;
  std::unique_ptr<http::TokenProvider> tokens_;
  std::unique_ptr<PopulationRegistry> inner_;
};

}  // namespace

void validate_upstream(const ConfigNode& upstream) {
  std::vector<std::string> keys = RegistryOptions::config_keys();
  keys.push_back("token");
  keys.push_back("client");
  upstream.allow_only(keys);
  (void)RegistryOptions::from_config(upstream);
  ConfigNode token = upstream.object("token");
  token.allow_only(http::TokenOptions::config_keys());
  (void)http::TokenOptions::from_config(token);
  if (auto client = upstream.optional_object("client")) {
    client->allow_only(http::ClientOptions::config_keys());
    (void)http::ClientOptions::from_config(*client);
  }
}

std::unique_ptr<PopulationRegistry> make_from_config(const ConfigNode& upstream, const Clock& clock) {
  return std::make_unique<UpstreamRegistry>(upstream, clock);
}

}  // namespace lienthong::population
