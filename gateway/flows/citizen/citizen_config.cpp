#include "gateway/flows/citizen/citizen_config.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "gateway/core/audit/digest.hpp"

namespace lienthong::citizen {
namespace {

RateLimit read_rate_limit(const ConfigNode& n, RateLimit fallback) {
  n.allow_only({"per_minute", "burst"});
  RateLimit r;
  r.per_minute = n.number_or("per_minute", fallback.per_minute, 0.01, 1'000'000);
  r.burst = static_cast<int>(n.integer_or("burst", fallback.burst, 1, 100'000));
  return r;
}

bool is_hex64(const std::string& s) {
  std::string n = normalise_fingerprint(s);
  return n.size() == 64 && n.find_first_not_of("0123456789abcdef") == std::string::npos;
}

bool is_loopback(const std::string& address) {
  in_addr v4{};
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

}  // namespace

std::string api_key_weakness(std::string_view key) {
  constexpr double kMinBits = 256;
  const std::string_view hex = "0123456789abcdefABCDEF";
  const std::string_view b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=";
  auto all_in = [&](std::string_view alphabet) {
    return std::all_of(key.begin(), key.end(),
                       [&](char ch) { return alphabet.find(ch) != std::string_view::npos; });
  };
  double bits_per_char = all_in(hex) ? 4 : all_in(b64) ? 6 : 6.5;
  double bits = static_cast<double>(key.size()) * bits_per_char;
  if (bits < kMinBits) {
    return "is too short: " + std::to_string(key.size()) + " characters carry about " +
           std::to_string(static_cast<int>(bits)) +
           " bits, at least 32 random bytes (256 bits) are needed; generate one with `openssl rand -hex 32`";
  }
  std::map<char, size_t> counts;
  for (char ch : key) ++counts[ch];
  for (auto& [ch, n] : counts) {
    if (n * 4 > key.size()) {
      return "does not look random (one character makes up more than a quarter of it); generate one with "
             "`openssl rand -hex 32`";
    }
  }
  return "";
}

std::string check_transport(const ConfigNode& root) {
  auto section = root.optional_object("citizen_lookup");
  if (!section) return "";
  std::string address = "127.0.0.1";
  bool tls = false;
  if (auto server = root.optional_object("server")) {
    address = server->string_or("address", address);
    if (auto t = server->optional_object("tls")) tls = t->boolean_or("enabled", true);
  }
  if (tls || is_loopback(address)) return "";
  if (!section->boolean_or("allow_plain_http", false)) {
    section->fail("allow_plain_http",
                  "citizen lookups would be served without TLS on " + address +
                      ", which is not a loopback address: configure server.tls, listen on 127.0.0.1 behind a "
                      "TLS proxy, or set citizen_lookup.allow_plain_http to true if a TLS-terminating proxy "
                      "is the only way in");
  }
  return "citizen lookups are served without TLS on " + address +
         " (citizen_lookup.allow_plain_http): personal data crosses the network in clear unless a TLS proxy "
         "is the only way in";
}

namespace {

ProvinceCodes read_provinces(const ConfigNode& s) {
  std::string provinces_file = s.file_path_or("provinces_file", "");
  if (provinces_file.empty()) {
    // The default is found next to the config file, else in the working directory.
    provinces_file = s.resolve_path(kDefaultProvincesFile);
    if (!std::filesystem::exists(provinces_file)) provinces_file = kDefaultProvincesFile;
  }
  auto provinces = ProvinceCodes::load(provinces_file);
  if (!provinces.ok()) s.fail("provinces_file", provinces.error().message);
  return std::move(provinces).value();
}

// Whether a purpose has no service_code of its own (then upstream.default_service_code is needed).
bool read_purposes(const ConfigNode& s, CitizenLookupConfig& c) {
  auto purposes = s.array_of_objects("purposes");
  if (purposes.empty()) s.fail("purposes", "list at least one purpose with the fields it may receive");
  bool purpose_without_service = false;
  for (auto& p : purposes) {
    p.allow_only({"name", "fields", "service_code", "description", "procedures"});
    Purpose purpose;
    purpose.name = p.string("name");
    if (purpose.name.empty() ||
        purpose.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
      p.fail("name", "expected lower-case letters, digits and '_'");
    }
    auto fields = p.strings_or("fields");
    if (fields.empty()) p.fail("fields", "list the fields this purpose may receive");
    purpose.fields = {fields.begin(), fields.end()};
    purpose.service_code = p.string_or("service_code", "");
    purpose_without_service = purpose_without_service || purpose.service_code.empty();
    purpose.description = p.string_or("description", "");
    purpose.procedures = p.strings_or("procedures");
    for (auto& code : purpose.procedures) {
      if (code.empty() ||
          code.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.") !=
              std::string::npos) {
        p.fail("procedures", "expected procedure codes (MaTTHC) such as \"1.001612\"");
      }
    }
    try {
      c.purposes.add(std::move(purpose));
    } catch (const std::invalid_argument& e) {
      p.fail("fields", e.what());
    }
  }
  return purpose_without_service;
}

// The API key hashes of an account: the digests given, and the digest of the key given.
std::vector<std::string> read_key_hashes(const ConfigNode& a, const std::string& account_id) {
  std::vector<std::string> key_hashes = a.strings_or("api_key_sha256");
  for (auto& h : key_hashes) {
    if (!is_hex64(h)) a.fail("api_key_sha256", "expected SHA-256 hex digests (64 hex characters)");
  }
  if (auto key = a.optional_secret("api_key")) {
    if (auto weak = api_key_weakness(key->reveal()); !weak.empty()) {
      a.fail("api_key", "the key of account '" + account_id + "' from " + key->source() + " " + weak);
    }
    key_hashes.push_back(audit::sha256_hex(key->reveal()));
  }
  return key_hashes;
}

void read_account(const ConfigNode& a, const RateLimit& default_limit, CitizenLookupConfig& c) {
  a.allow_only({"id", "official", "agency", "purposes", "api_key", "api_key_sha256", "client_cert_subjects",
                "client_cert_sha256", "rate_limit"});
  Account acc;
  acc.id = a.string("id");
  acc.official = a.string("official");
  acc.agency = a.string("agency");
  if (acc.id.empty() || acc.official.empty() || acc.agency.empty()) {
    a.fail("id", "id, official and agency must all be non-empty: an account answers for its lookups");
  }
  for (auto& p : a.strings_or("purposes")) {
    if (!c.purposes.find(p))
      a.fail("purposes", "purpose '" + p + "' is not defined under citizen_lookup.purposes");
    acc.purposes.insert(p);
  }
  if (acc.purposes.empty()) a.fail("purposes", "list the purposes this account may state");
  acc.rate_limit = default_limit;
  if (auto r = a.optional_object("rate_limit")) acc.rate_limit = read_rate_limit(*r, default_limit);
  std::vector<std::string> key_hashes = read_key_hashes(a, acc.id);
  auto subjects = a.strings_or("client_cert_subjects");
  auto fingerprints = a.strings_or("client_cert_sha256");
  for (auto& f : fingerprints) {
    if (!is_hex64(f)) a.fail("client_cert_sha256", "expected SHA-256 fingerprints (64 hex characters)");
  }
  if (key_hashes.empty() && subjects.empty() && fingerprints.empty()) {
    a.fail("id",
           "account has no credential: give api_key, api_key_sha256, client_cert_subjects or "
           "client_cert_sha256");
  }
  try {
    c.accounts.add(std::move(acc), key_hashes, subjects, fingerprints);
  } catch (const std::invalid_argument& e) {
    a.fail("id", e.what());
  }
}

// enumeration, in_flight and repeat.
void read_guards(const ConfigNode& s, CitizenLookupConfig& c) {
  if (auto e = s.optional_object("enumeration")) {
    e->allow_only({"threshold", "window_seconds", "flag_seconds", "slow_interval_seconds"});
    c.enumeration.threshold =
        static_cast<int>(e->integer_or("threshold", c.enumeration.threshold, 1, 100'000));
    c.enumeration.window = std::chrono::seconds(e->integer_or("window_seconds", 600, 1, 7 * 86400));
    c.enumeration.flag_duration = std::chrono::seconds(e->integer_or("flag_seconds", 3600, 1, 30 * 86400));
    c.enumeration.slow_interval = std::chrono::seconds(e->integer_or("slow_interval_seconds", 60, 1, 86400));
  }
  if (auto f = s.optional_object("in_flight")) {
    f->allow_only({"per_account", "per_agency", "total"});
    c.in_flight.per_account =
        static_cast<int>(f->integer_or("per_account", c.in_flight.per_account, 1, 10'000));
    c.in_flight.per_agency = static_cast<int>(f->integer_or("per_agency", c.in_flight.per_agency, 1, 10'000));
    c.in_flight.total = static_cast<int>(f->integer_or("total", c.in_flight.total, 1, 100'000));
  }
  if (auto r = s.optional_object("repeat")) {
    r->allow_only({"threshold", "window_seconds"});
    c.repeat.threshold = static_cast<int>(r->integer_or("threshold", c.repeat.threshold, 1, 100'000));
    c.repeat.window = std::chrono::seconds(r->integer_or("window_seconds", 86'400, 1, 30 * 86'400));
  }
  if (auto u = s.optional_object("unknown_callers")) {
    auto& o = c.unknown_callers;
    u->allow_only({"per_source", "total", "window_seconds", "max_callers"});
    o.per_source = u->integer_or("per_source", o.per_source, 1, 1'000'000);
    o.total = u->integer_or("total", o.total, 1, 10'000'000);
    o.window = std::chrono::seconds(u->integer_or("window_seconds", o.window.count(), 1, 86'400));
    o.max_callers =
        static_cast<size_t>(u->integer_or("max_callers", static_cast<int64_t>(o.max_callers), 1, 100'000));
  }
}

}  // namespace

CitizenLookupConfig parse_citizen_config(const ConfigNode& s) {
  s.allow_only({"provinces_file", "pseudonym_key", "pseudonym_key_id", "purposes", "accounts",
                "default_rate_limit", "enumeration", "in_flight", "repeat", "unknown_callers",
                "allow_plain_http", "dossier_check", "upstream"});
  CitizenLookupConfig c;
  c.provinces = read_provinces(s);
  c.pseudonym_key = s.secret("pseudonym_key");
  if (c.pseudonym_key.reveal().size() < kMinPseudonymKeyBytes) {
    s.fail("pseudonym_key", "the key from " + c.pseudonym_key.source() + " is shorter than " +
                                std::to_string(kMinPseudonymKeyBytes) +
                                " bytes; generate one with `openssl rand -hex 32`");
  }
  c.pseudonym_key_id = s.string_or("pseudonym_key_id", "");
  if (c.pseudonym_key_id.size() > 16 ||
      c.pseudonym_key_id.find_first_not_of(
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos) {
    s.fail("pseudonym_key_id", "expected at most 16 letters, digits, '_' or '-' (e.g. \"2026a\")");
  }
  bool purpose_without_service = read_purposes(s, c);
  RateLimit default_limit;
  if (auto d = s.optional_object("default_rate_limit")) default_limit = read_rate_limit(*d, default_limit);
  auto accounts = s.array_of_objects("accounts");
  if (accounts.empty()) s.fail("accounts", "list at least one account");
  for (auto& a : accounts) read_account(a, default_limit, c);
  read_guards(s, c);
  c.allow_plain_http = s.boolean_or("allow_plain_http", false);
  const std::string mode = s.string_or("dossier_check", "flag");
  if (mode == "refuse")
    c.dossier_check = DossierCheckMode::kRefuse;
  else if (mode == "flag")
    c.dossier_check = DossierCheckMode::kFlag;
  else if (mode == "off")
    c.dossier_check = DossierCheckMode::kOff;
  else
    s.fail("dossier_check", "expected \"refuse\", \"flag\" or \"off\"");

  // The population adapter's own section (adapters/population: validate_upstream), read
  // where app/ builds it; the flow only needs a MaDVC for purposes without one.
  ConfigNode up = s.object("upstream");
  if (purpose_without_service && up.string_or("default_service_code", "").empty()) {
    // The population database refuses an empty MaDVC.
    up.fail("default_service_code", "a purpose has no service_code; set the MaDVC to send for it here");
  }
  return c;
}

}  // namespace lienthong::citizen
