#include "adapters/population/population_registry.hpp"

#include "adapters/population/soap_answer.hpp"

namespace lienthong::population {
namespace {

// The same classification as http::kind_for_status, kept here so the adapter's retry
// decision is visible next to it.
ErrorKind kind_for(int status) {
  if (status == 401) return ErrorKind::kUnauthorized;
  if (status == 403) return ErrorKind::kForbidden;
  if (status == 429) return ErrorKind::kRateLimited;
  if (status >= 500) return ErrorKind::kServer;
  return ErrorKind::kClient;
}

class SoapPopulationRegistry final : public PopulationRegistry {
 public:
  SoapPopulationRegistry(RegistryOptions options, Sender sender)
      : options_(std::move(options)), sender_(std::move(sender)) {}

  Result<Answer> lookup(const Query& query) override {
    http::ClientRequest req;
    req.method = "POST";
    req.url = options_.url;
    req.headers = {{"Content-Type", "application/json; charset=utf-8"}, {"Accept", "text/xml"}};
    req.body = wire::build_request(query);
    req.timeout = options_.timeout;
    const int max_attempts = options_.retry_once ? 2 : 1;
    Error last;
    for (int attempt = 1; attempt <= max_attempts; ++attempt) {
      auto resp = sender_(req);
      if (!resp.ok()) {
        last = resp.error().context("population database lookup");
        // Reads are safe to repeat; anything but a transport failure is not worth it.
        bool transient = last.kind == ErrorKind::kTimeout || last.kind == ErrorKind::kRefused;
        if (transient && attempt < max_attempts) continue;
        return last;
      }
      if (resp->status >= 500) {
        last = Error(ErrorKind::kServer,
                     "population database lookup: upstream answered HTTP " + std::to_string(resp->status));
        last.upstream_status = resp->status;
        if (attempt < max_attempts) continue;
        return last;
      }
      if (resp->status != 200) {
        Error e(kind_for(resp->status),
                "population database lookup: upstream answered HTTP " + std::to_string(resp->status));
        e.upstream_status = resp->status;
        return e;
      }
      auto answer = wire::parse_answer(resp->body, query.personal_id);
      if (!answer.ok()) return answer.error();
      answer->attempts = attempt;
      return answer;
    }
    return last;
  }

 private:
  RegistryOptions options_;
  Sender sender_;
};

}  // namespace

const std::vector<std::string>& RegistryOptions::config_keys() {
  static const std::vector<std::string> keys = {"url", "timeout_ms", "retry_once"};
  return keys;
}

RegistryOptions RegistryOptions::from_config(const ConfigNode& node) {
  RegistryOptions o;
  o.url = node.string("url");
  if (o.url.rfind("http://", 0) != 0 && o.url.rfind("https://", 0) != 0) {
    node.fail("url", "expected an http:// or https:// URL of the lookup endpoint behind NGSP");
  }
  o.timeout = std::chrono::milliseconds(node.integer_or("timeout_ms", 5'000, 100, 120'000));
  o.retry_once = node.boolean_or("retry_once", true);
  return o;
}

std::unique_ptr<PopulationRegistry> make_population_registry(RegistryOptions options, Sender sender) {
  return std::make_unique<SoapPopulationRegistry>(std::move(options), std::move(sender));
}

}  // namespace lienthong::population
