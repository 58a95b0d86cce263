// The national population database (CSDLQG về dân cư), reached through NGSP or an LGSP:
// the adapter behind the citizen flow's PopulationRegistry
// (gateway/flows/citizen/population_lookup.hpp), built by app/ from the
// citizen_lookup.upstream section. The wire format (SOAP, or JSON through a provincial
// adapter; docs/contracts/population.md) stays in this folder.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/result.hpp"
#include "gateway/core/config/config.hpp"
#include "gateway/core/http/http_client.hpp"
#include "gateway/core/model/citizen_record.hpp"
#include "gateway/flows/citizen/population_lookup.hpp"

namespace lienthong::population {

struct CodeTables;

inline constexpr char kDefaultCodeTablesDir[] = "mappings/citizen";

struct RegistryOptions {
  enum class Route {
    kSoap,         // SOAP TraCuuThongTinCongDan, directly or through an LGSP
    kJsonAdapter,  // JSON through a provincial adapter answering {error_code, message}
    // The SOAP text inside an LGSP's JSON envelope {accessToken, lgspAccessToken, AuthHash,
    // data} (OpenCPS for the Hậu Giang LGSP); the answer is the SOAP text itself.
    kLgspEnvelope,
  };
  std::string url;  // the lookup endpoint behind NGSP/LGSP, or the provincial adapter
  Route route = Route::kSoap;
  std::chrono::milliseconds timeout{5'000};
  // A lookup is a read, so a timeout, refused connection or 5xx is retried once with the
  // same request id. Set false where the provider counts every call against a quota.
  bool retry_once = true;
  std::string integration_code;      // MaTichHop, issued with the connection (e.g. "037")
  std::string default_service_code;  // MaDVC for purposes without a service code of their own
  bool dashed_date = false;          // request date yyyy-MM-dd (OpenCPS) instead of yyyyMMdd
  std::string mismatch_fault_code = "DL_KHONG_KHOP";  // no public source; "" (config "none") = off
  // Codes of the answer (DanToc, TonGiao, QuocTich, QuanHe) mapped to names from these
  // tables; null = callers receive the codes.
  std::shared_ptr<const CodeTables> names;
  // LGSP headers: lgspaccesstoken (base64 of the partner's keys as JSON) on every call,
  // AuthHash (base64 of "key name:key password") of the official making the lookup.
  std::string lgsp_access_token;                        // "" = header not sent
  std::map<std::string, Secret> auth_hash_by_official;  // official code → AuthHash value
  bool auth_hash_required = false;                      // an official without one is refused
  // lgspaccesstoken also as a header of the NGSP/LGSP token request (OpenCPS's getToken).
  bool lgsp_access_token_on_token_request = false;

  // Keys: url, route ("soap"|"json_adapter"|"lgsp_envelope"), timeout_ms, retry_once, integration_code,
  // default_service_code, request_date_format ("yyyyMMdd"|"yyyy-MM-dd"),
  // mismatch_fault_code, answer_values ("names"|"codes"), code_tables_dir, lgsp.
  static RegistryOptions from_config(const ConfigNode& node);
  static const std::vector<std::string>& config_keys();
};

// Sends one HTTP request (normally http::TokenProvider::send, which adds the NGSP/LGSP
// bearer token and refreshes it once on 401).
using Sender = std::function<Result<http::ClientResponse>(http::ClientRequest)>;

std::unique_ptr<PopulationRegistry> make_population_registry(RegistryOptions options, Sender sender);

// Section citizen_lookup.upstream: the keys of RegistryOptions, "token" (the NGSP/LGSP
// token provider, http::TokenOptions) and "client" (http::ClientOptions). Throws
// ConfigError naming the key.
void validate_upstream(const ConfigNode& upstream);
// The adapter from that section, with its own HTTP client and token provider (upstream.cpp).
std::unique_ptr<PopulationRegistry> make_from_config(const ConfigNode& upstream, const Clock& clock);

// base64 of the JSON {AccessKey, SecretKey, AppName, PartnerCode, PartnerCodeCus}, the
// lgspaccesstoken header's value as OpenCPS forms it.
std::string lgsp_access_token(const std::string& access_key, const std::string& secret_key,
                              const std::string& app_name, const std::string& partner_code,
                              const std::string& partner_code_cus);
// base64 of "key_name:key_password", an official's AuthHash.
std::string auth_hash(const std::string& key_name, const std::string& key_password);
std::string base64_encode(std::string_view in);

}  // namespace lienthong::population
