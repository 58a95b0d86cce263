// The national population database (CSDLQG về dân cư), reached through NGSP. This header
// is all the rest of the gateway sees; the wire format (a JSON request, a SOAP answer)
// stays in this folder.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gateway/common/result.hpp"
#include "gateway/config/config.hpp"
#include "gateway/http/http_client.hpp"
#include "gateway/model/citizen_record.hpp"

namespace lienthong::population {

struct Query {
  std::string personal_id;
  std::string full_name;
  std::string date_of_birth;  // YYYY-MM-DD
  std::string request_id;     // mã yêu cầu: one per lookup, the same on a retry
  std::string official_code;  // mã cán bộ
  std::string service_code;   // mã dịch vụ công the lookup serves
};

enum class Outcome {
  kFound,
  kNotFound,  // no citizen with that number
  kMismatch,  // the number exists but name or date of birth differ
};

struct Answer {
  Outcome outcome = Outcome::kNotFound;
  model::CitizenRecord record;  // only for kFound
  int attempts = 1;
};

class PopulationRegistry {
 public:
  virtual ~PopulationRegistry() = default;
  // Upstream failures come back as errors of kind timeout, refused, server, protocol,
  // unauthorized, forbidden or rate_limited. Messages never hold personal data.
  virtual Result<Answer> lookup(const Query& query) = 0;
};

struct RegistryOptions {
  std::string url;  // the lookup endpoint behind NGSP
  std::chrono::milliseconds timeout{5'000};
  // A lookup is a read, so a timeout, refused connection or 5xx is retried once with the
  // same request id. Set false where the provider counts every call against a quota.
  bool retry_once = true;

  // Keys: url, timeout_ms, retry_once.
  static RegistryOptions from_config(const ConfigNode& node);
  static const std::vector<std::string>& config_keys();
};

// Sends one HTTP request (normally http::TokenProvider::send, which adds the NGSP bearer
// token and refreshes it once on 401).
using Sender = std::function<Result<http::ClientResponse>(http::ClientRequest)>;

std::unique_ptr<PopulationRegistry> make_population_registry(RegistryOptions options, Sender sender);

}  // namespace lienthong::population
