#include "adapters/population/population_registry.hpp"

#include <filesystem>

#include "adapters/population/code_tables.hpp"
#include "adapters/population/soap_answer.hpp"
#include "gateway/core/common/json.hpp"

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
    const bool adapter = options_.route == RegistryOptions::Route::kJsonAdapter;
    const bool envelope = options_.route == RegistryOptions::Route::kLgspEnvelope;
    if (query.service_code.empty() && options_.default_service_code.empty()) {
      return Error(
          ErrorKind::kConfig,
          "population database lookup: the purpose has no service_code and upstream.default_service_code "
          "is not set; the database refuses an empty MaDVC");
    }
    if (query.official_code.empty()) {
      return Error(ErrorKind::kConfig,
                   "population database lookup: the account has no official code to send as MaCanBo");
    }
    http::ClientRequest req;
    req.method = "POST";
    req.url = options_.url;
    req.system = "population";
    req.operation = "lookup";
    wire::RequestSettings rs{options_.integration_code, options_.default_service_code, options_.dashed_date};
    std::string auth_hash;
    if (auto it = options_.auth_hash_by_official.find(query.official_code);
        it != options_.auth_hash_by_official.end()) {
      auth_hash = it->second.reveal();
    } else if (options_.auth_hash_required) {
      return Error(ErrorKind::kConfig,
                   "population database lookup: the account's official has no AuthHash key under "
                   "upstream.lgsp.officials; add one or set upstream.lgsp.auth_hash_required to false");
    }
    if (adapter) {
      req.headers = {{"Content-Type", "application/json; charset=utf-8"}, {"Accept", "application/json"}};
      req.body = wire::build_adapter_request(query, rs);
    } else if (envelope) {
      // The token, the partner's keys and the official's hash travel in the body, the SOAP
      // request as text beside them; the token is placed when the sender has it.
      req.headers = {{"Content-Type", "application/json; charset=utf-8"}, {"Accept", "text/xml"}};
      req.apply_bearer = [soap = wire::build_soap_request(query, rs), lgsp = options_.lgsp_access_token,
                          auth_hash](http::ClientRequest& r, const std::string& token) {
        r.body = wire::build_lgsp_envelope(token, lgsp, auth_hash, soap);
      };
      req.apply_bearer(req, "");
    } else {
      req.headers = {{"Content-Type", "text/xml; charset=utf-8"}, {"Accept", "text/xml"}};
      req.body = wire::build_soap_request(query, rs);
    }
    if (!envelope) {
      if (!options_.lgsp_access_token.empty())
        req.headers.push_back({"lgspaccesstoken", options_.lgsp_access_token});
      if (!auth_hash.empty()) req.headers.push_back({"AuthHash", auth_hash});
    }
    req.timeout = options_.timeout;
    wire::AnswerSettings as{options_.mismatch_fault_code, options_.names};
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
      std::string soap_text;
      if (adapter) {
        auto unwrapped = wire::unwrap_adapter_answer(resp->body);
        if (!unwrapped.ok()) return unwrapped.error();
        soap_text = std::move(*unwrapped);
      }
      auto answer = wire::parse_answer(!adapter ? std::string_view(resp->body) : std::string_view(soap_text),
                                       query.personal_id, as);
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
  static const std::vector<std::string> keys = {"url",
                                                "route",
                                                "timeout_ms",
                                                "retry_once",
                                                "integration_code",
                                                "default_service_code",
                                                "request_date_format",
                                                "mismatch_fault_code",
                                                "answer_values",
                                                "code_tables_dir",
                                                "lgsp"};
  return keys;
}

RegistryOptions RegistryOptions::from_config(const ConfigNode& node) {
  RegistryOptions o;
  o.url = node.string("url");
  if (o.url.rfind("http://", 0) != 0 && o.url.rfind("https://", 0) != 0) {
    node.fail(
        "url",
        "expected an http:// or https:// URL of the lookup endpoint (NGSP, LGSP or provincial adapter)");
  }
  std::string route = node.choice("route", {"soap", "json_adapter", "lgsp_envelope"}, "soap");
  o.route = route == "soap"           ? Route::kSoap
            : route == "json_adapter" ? Route::kJsonAdapter
                                      : Route::kLgspEnvelope;
  o.timeout = std::chrono::milliseconds(node.integer_or("timeout_ms", 5'000, 100, 120'000));
  o.retry_once = node.boolean_or("retry_once", true);
  o.integration_code = node.string("integration_code");
  if (o.integration_code.empty() || o.integration_code.size() > 64) {
    node.fail("integration_code", "expected the MaTichHop issued with the connection (e.g. \"037\")");
  }
  o.default_service_code = node.string_or("default_service_code", "");
  o.dashed_date = node.choice("request_date_format", {"yyyyMMdd", "yyyy-MM-dd"}, "yyyyMMdd") == "yyyy-MM-dd";
  // No public source for this code: "none" reads every fault as an upstream error.
  o.mismatch_fault_code = node.string_or("mismatch_fault_code", wire::kMismatchCode);
  if (o.mismatch_fault_code == "none") o.mismatch_fault_code.clear();
  if (node.choice("answer_values", {"names", "codes"}, "names") == "names") {
    std::string dir = node.string_or("code_tables_dir", "");
    if (dir.empty()) {
      dir = node.resolve_path(kDefaultCodeTablesDir);
      if (!std::filesystem::exists(dir)) dir = kDefaultCodeTablesDir;
    } else {
      dir = node.resolve_path(dir);
    }
    auto tables = CodeTables::load_dir(dir);
    if (!tables.ok()) node.fail("code_tables_dir", tables.error().message);
    o.names = std::make_shared<const CodeTables>(std::move(*tables));
  }
  if (auto lgsp = node.optional_object("lgsp")) {
    lgsp->allow_only({"access_key", "secret_key", "app_name", "partner_code", "partner_code_cus", "officials",
                      "auth_hash_required", "on_token_request"});
    if (lgsp->has("access_key")) {
      o.lgsp_access_token = population::lgsp_access_token(
          lgsp->string("access_key"), lgsp->secret("secret_key").reveal(), lgsp->string_or("app_name", ""),
          lgsp->string("partner_code"), lgsp->string_or("partner_code_cus", ""));
    }
    for (auto& off : lgsp->array_of_objects("officials")) {
      off.allow_only({"official", "key_name", "key_password"});
      std::string official = off.string("official");
      if (official.empty()) off.fail("official", "expected the account's official code (MaCanBo)");
      Secret hash(auth_hash(off.string("key_name"), off.secret("key_password").reveal()), "lgsp.officials");
      if (!o.auth_hash_by_official.emplace(official, std::move(hash)).second) {
        off.fail("official", "listed twice");
      }
    }
    o.auth_hash_required = lgsp->boolean_or("auth_hash_required", !o.auth_hash_by_official.empty());
    o.lgsp_access_token_on_token_request = lgsp->boolean_or("on_token_request", !o.lgsp_access_token.empty());
    if (o.lgsp_access_token_on_token_request && o.lgsp_access_token.empty())
      lgsp->fail("on_token_request",
                 "needs access_key, secret_key and partner_code (the lgspaccesstoken to send)");
  }
  return o;
}

std::string base64_encode(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8) |
                 static_cast<uint8_t>(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (size_t rest = in.size() - i) {
    uint32_t v = static_cast<uint8_t>(in[i]) << 16;
    if (rest == 2) v |= static_cast<uint8_t>(in[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string lgsp_access_token(const std::string& access_key, const std::string& secret_key,
                              const std::string& app_name, const std::string& partner_code,
                              const std::string& partner_code_cus) {
  std::string j = "{";
  auto put = [&](std::string_view k, const std::string& v) {
    if (j.size() > 1) j += ',';
    json::append_string(j, k);
    j += ':';
    json::append_string(j, v);
  };
  put("AccessKey", access_key);
  put("SecretKey", secret_key);
  put("AppName", app_name);
  put("PartnerCode", partner_code);
  put("PartnerCodeCus", partner_code_cus);
  return base64_encode(j + "}");
}

std::string auth_hash(const std::string& key_name, const std::string& key_password) {
  return base64_encode(key_name + ":" + key_password);
}

std::unique_ptr<PopulationRegistry> make_population_registry(RegistryOptions options, Sender sender) {
  return std::make_unique<SoapPopulationRegistry>(std::move(options), std::move(sender));
}

}  // namespace lienthong::population
