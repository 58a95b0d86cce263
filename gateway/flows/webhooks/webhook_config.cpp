#include "gateway/flows/webhooks/webhook_config.hpp"

#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>

#include "gateway/flows/webhooks/standard_webhooks.hpp"

namespace lienthong::webhooks {

const SourceConfig* WebhooksConfig::find(std::string_view id) const {
  for (auto& s : sources) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

std::vector<std::string> destinations_for(const WebhooksConfig& c, std::string_view source) {
  const SourceConfig* s = c.find(source);
  if (!s || s->origin.empty()) return c.destinations;
  std::vector<std::string> out;
  for (const auto& d : c.destinations) {
    if (d != s->origin) out.push_back(d);
  }
  return out;
}

namespace {

// The 4 or 16 bytes of an address; false when `text` is neither form.
bool address_bytes(const std::string& text, bool& v6, unsigned char* out) {
  in_addr a4{};
  if (::inet_pton(AF_INET, text.c_str(), &a4) == 1) {
    v6 = false;
    std::memcpy(out, &a4, 4);
    return true;
  }
  in6_addr a6{};
  if (::inet_pton(AF_INET6, text.c_str(), &a6) == 1) {
    v6 = true;
    std::memcpy(out, &a6, 16);
    return true;
  }
  return false;
}

}  // namespace

std::optional<AddressRange> parse_address_range(std::string_view text) {
  AddressRange r;
  r.text = std::string(text);
  std::string addr(text);
  int prefix = -1;
  if (auto slash = addr.find('/'); slash != std::string::npos) {
    std::string bits = addr.substr(slash + 1);
    addr.resize(slash);
    if (bits.empty() || bits.size() > 3 ||
        !std::all_of(bits.begin(), bits.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
      return std::nullopt;
    prefix = std::stoi(bits);
  }
  if (!address_bytes(addr, r.v6, r.bytes)) return std::nullopt;
  int max = r.v6 ? 128 : 32;
  if (prefix > max) return std::nullopt;
  r.prefix = prefix < 0 ? max : prefix;
  return r;
}

std::string_view address_without_port(std::string_view remote) {
  if (!remote.empty() && remote.front() == '[') {
    auto close = remote.find(']');
    return close == std::string_view::npos ? remote : remote.substr(1, close - 1);
  }
  auto colon = remote.rfind(':');
  if (colon == std::string_view::npos) return remote;
  // "10.0.0.1:443" or an IPv6 address followed by ":port" (the server writes it so).
  return remote.substr(0, colon);
}

bool AddressRange::contains(std::string_view address) const {
  bool is_v6 = false;
  unsigned char b[16] = {};
  if (!address_bytes(std::string(address), is_v6, b)) return false;
  // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d.
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (is_v6 && !v6 && std::memcmp(b, kMapped, 12) == 0) {
    std::memmove(b, b + 12, 4);
    is_v6 = false;
  }
  if (is_v6 != v6) return false;
  int full = prefix / 8, rest = prefix % 8;
  if (std::memcmp(b, bytes, static_cast<size_t>(full)) != 0) return false;
  if (rest == 0) return true;
  auto mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (b[full] & mask) == (bytes[full] & mask);
}

namespace {

bool valid_source_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::islower(c) || std::isdigit(c) || c == '-' || c == '_';
  });
}

std::string normalise_fingerprint(std::string fp) {
  std::string out;
  for (char c : fp) {
    if (c == ':') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

AuthMode auth_mode(const std::string& auth) {
  if (auth == "mtls") return AuthMode::kMtls;
  if (auth == "both") return AuthMode::kBoth;
  if (auth == "shared_key") return AuthMode::kSharedKey;
  if (auth == "trusted_upstream") return AuthMode::kTrustedUpstream;
  if (auth == "lgsp_bearer") return AuthMode::kLgspBearer;
  return AuthMode::kStandardWebhooks;
}

// A key or token from a secret reference, refused when shorter than kMinSharedKeyBytes.
std::string strong_key(const ConfigNode& n, std::string_view key) {
  Secret sec = n.secret(key);
  if (sec.reveal().size() < kMinSharedKeyBytes) {
    n.fail(key, "the key from " + sec.source() + " has " + std::to_string(sec.reveal().size()) +
                    " bytes; at least " + std::to_string(kMinSharedKeyBytes) +
                    " are required (generate one with: openssl rand -base64 32)");
  }
  return sec.reveal();
}

void parse_signature_secrets(const ConfigNode& n, SourceConfig& s, const std::string& auth) {
  if (!s.needs_signature()) {
    if (n.has("secrets")) {
      n.fail("secrets",
             "auth '" + auth +
                 "' does not use Standard Webhooks secrets; use auth 'both' to require a signature");
    }
    return;
  }
  if (!n.has("secrets")) {
    n.fail("secrets", "required for auth '" + auth +
                          "': an object of named secret references, e.g. {\"current\": {\"env\": \"WH_" +
                          s.id + "\"}}, whose values are whsec_<base64>");
  }
  ConfigNode secrets = n.object("secrets");
  for (auto& name : secrets.keys()) {
    Secret sec = secrets.secret(name);
    auto key = decode_secret(sec.reveal());
    if (!key.ok()) secrets.fail(name, key.error().message + " (from " + sec.source() + ")");
    s.secret_names.push_back(name);
    s.keys.push_back(std::move(key).value());
  }
  if (s.keys.empty()) n.fail("secrets", "at least one secret is required");
}

void parse_shared_key(const ConfigNode& n, SourceConfig& s) {
  if (s.auth != AuthMode::kSharedKey) {
    if (n.has("shared_key")) n.fail("shared_key", "only used with auth 'shared_key'");
    return;
  }
  if (!n.has("shared_key")) {
    n.fail("shared_key",
           "required for auth 'shared_key': {\"secret\": {\"env\": …}, \"body_field\": "
           "\"SecurityKey\"} or {…, \"query_parameter\": \"…\"}");
  }
  ConfigNode k = n.object("shared_key");
  k.allow_only({"secret", "body_field", "query_parameter"});
  s.shared_key = strong_key(k, "secret");
  s.shared_key_body_field = k.string_or("body_field", "");
  s.shared_key_query_parameter = k.string_or("query_parameter", "");
  if (s.shared_key_body_field.empty() == s.shared_key_query_parameter.empty()) {
    k.fail("body_field", "give exactly one of body_field (a member of the JSON body) or query_parameter");
  }
  if (!s.shared_key_body_field.empty() && s.payload != PayloadKind::kJson) {
    k.fail("body_field", "a key in the body is read from JSON bodies only (payload \"json\")");
  }
}

void parse_trusted_upstream(const ConfigNode& n, SourceConfig& s) {
  if (s.auth != AuthMode::kTrustedUpstream) {
    if (n.has("trusted_upstream")) n.fail("trusted_upstream", "only used with auth 'trusted_upstream'");
    return;
  }
  if (!n.has("trusted_upstream")) {
    n.fail("trusted_upstream",
           "required for auth 'trusted_upstream': {\"path_prefix\": \"/XrdAdapter/RestService/forward\", "
           "\"addresses\": [\"10.0.0.5\", \"10.1.0.0/16\"]}");
  }
  ConfigNode u = n.object("trusted_upstream");
  u.allow_only({"path_prefix", "addresses", "client_certificate"});
  s.upstream_path_prefix = u.string_or("path_prefix", "/XrdAdapter/RestService/forward");
  if (s.upstream_path_prefix.size() < 2 || s.upstream_path_prefix.front() != '/' ||
      s.upstream_path_prefix.back() == '/') {
    u.fail("path_prefix", "must start with '/' and not end with '/', e.g. /XrdAdapter/RestService/forward");
  }
  for (auto& a : u.strings_or("addresses")) {
    auto r = parse_address_range(a);
    if (!r) u.fail("addresses", "'" + a + "' is not an IPv4/IPv6 address or network (e.g. 10.1.0.0/16)");
    s.upstream_addresses.push_back(*r);
  }
  if (s.upstream_addresses.empty()) {
    u.fail("addresses", "at least one address or network of the X-Road/VXP adapter is required");
  }
  s.upstream_client_certificate = u.boolean_or("client_certificate", false);
}

void parse_bearer_tokens(const ConfigNode& n, SourceConfig& s) {
  if (s.auth != AuthMode::kLgspBearer) {
    if (n.has("bearer_tokens")) n.fail("bearer_tokens", "only used with auth 'lgsp_bearer'");
    return;
  }
  if (!n.has("bearer_tokens")) {
    n.fail("bearer_tokens", "required for auth 'lgsp_bearer': {\"current\": {\"env\": \"WH_" + s.id + "\"}}");
  }
  ConfigNode t = n.object("bearer_tokens");
  for (auto& name : t.keys()) s.bearer_tokens.push_back(strong_key(t, name));
  if (s.bearer_tokens.empty()) n.fail("bearer_tokens", "at least one token is required");
}

void parse_derived_id(const ConfigNode& n, SourceConfig& s) {
  bool signed_source = s.auth == AuthMode::kStandardWebhooks || s.auth == AuthMode::kBoth;
  // The national systems send no webhook-id: their sources derive it unless told otherwise.
  std::string dflt =
      s.auth == AuthMode::kStandardWebhooks || s.auth == AuthMode::kMtls || s.auth == AuthMode::kBoth
          ? "header"
          : "derived";
  s.delivery_id = n.choice("delivery_id", {"header", "derived"}, dflt) == "derived"
                      ? DeliveryIdSource::kDerived
                      : DeliveryIdSource::kHeader;
  if (signed_source && s.delivery_id == DeliveryIdSource::kDerived) {
    n.fail("delivery_id", "a Standard Webhooks signature covers the webhook-id header: use \"header\"");
  }
  if (auto d = n.optional_object("derived_id")) {
    d->allow_only({"dossier_fields", "service_fields", "updating_fields"});
    s.derived_id.dossier = d->strings_or("dossier_fields", s.derived_id.dossier);
    s.derived_id.service = d->strings_or("service_fields", s.derived_id.service);
    s.derived_id.updating = d->strings_or("updating_fields", s.derived_id.updating);
  }
}

void parse_client_certificates(const ConfigNode& n, SourceConfig& s, const std::string& auth) {
  s.client_subjects = n.strings_or("client_subjects");
  for (auto& fp : n.strings_or("client_fingerprints"))
    s.client_fingerprints.push_back(normalise_fingerprint(fp));
  if (s.needs_client_cert() && s.client_subjects.empty() && s.client_fingerprints.empty()) {
    n.fail("client_subjects", "auth '" + auth +
                                  "' needs client_subjects and/or client_fingerprints naming the sender's "
                                  "client certificate");
  }
}

void parse_mapping_files(const ConfigNode& n, SourceConfig& s) {
  s.mapping_file = n.file_path("mapping");
  if (!std::filesystem::exists(s.mapping_file))
    n.fail("mapping", "file " + s.mapping_file + " does not exist");
  s.procedure_codes_file = n.file_path_or("procedure_codes", "");
  if (!s.procedure_codes_file.empty() && !std::filesystem::exists(s.procedure_codes_file)) {
    n.fail("procedure_codes", "file " + s.procedure_codes_file + " does not exist");
  }
}

void parse_files_and_limits(const ConfigNode& n, SourceConfig& s) {
  s.record_kind = n.string_or("record_kind", "");
  if (!s.record_kind.empty()) {
    if (n.has("mapping") || n.has("procedure_codes")) {
      n.fail("record_kind",
             "a source with a record_kind is read by that kind; remove mapping and procedure_codes");
    }
  } else {
    parse_mapping_files(n, s);
  }
  if (auto rl = n.optional_object("record_limits")) {
    if (s.record_kind.empty()) n.fail("record_limits", "limits of a record's files need a record_kind");
    rl->allow_only({"file_bytes", "record_bytes", "fetch_timeout_ms", "fetch_bytes", "fetch_hosts"});
    s.record_limits.file_bytes = static_cast<size_t>(rl->integer_or(
        "file_bytes", static_cast<int64_t>(s.record_limits.file_bytes), 1, 1024LL * 1024 * 1024));
    s.record_limits.record_bytes = static_cast<size_t>(rl->integer_or(
        "record_bytes", static_cast<int64_t>(s.record_limits.record_bytes), 1, 4LL * 1024 * 1024 * 1024));
    if (s.record_limits.record_bytes < s.record_limits.file_bytes)
      rl->fail("record_bytes", "is smaller than file_bytes: one file alone could not be kept");
    s.record_limits.fetch_timeout_ms =
        rl->integer_or("fetch_timeout_ms", s.record_limits.fetch_timeout_ms, 100, 600'000);
    s.record_limits.fetch_bytes = static_cast<size_t>(rl->integer_or(
        "fetch_bytes", static_cast<int64_t>(s.record_limits.file_bytes), 1, 1024LL * 1024 * 1024));
    if (s.record_limits.fetch_bytes > s.record_limits.record_bytes)
      rl->fail("fetch_bytes", "is larger than record_bytes: a fetched file alone could not be kept");
    s.record_limits.fetch_hosts = rl->strings_or("fetch_hosts", {});
    for (const auto& h : s.record_limits.fetch_hosts) {
      std::string_view name = std::string_view(h).substr(h.rfind("*.", 0) == 0 ? 2 : 0);
      bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '.' || c == '-';
      });
      if (!ok)
        rl->fail("fetch_hosts",
                 "'" + h + "' is not a host name (e.g. \"dichvucong.gov.vn\" or \"*.gov.vn\")");
    }
  }
  if (auto dc = n.optional_object("dossier_codes")) {
    if (s.record_kind.empty()) n.fail("dossier_codes", "handing out dossier codes needs a record_kind");
    dc->allow_only({"unit"});
    s.dossier_code_unit = dc->string("unit");
    bool ok = !s.dossier_code_unit.empty() && s.dossier_code_unit.size() <= 40 &&
              std::all_of(s.dossier_code_unit.begin(), s.dossier_code_unit.end(), [](unsigned char c) {
                return std::isalnum(c) || c == '.' || c == '-' || c == '_';
              });
    if (!ok) {
      dc->fail("unit", "'" + s.dossier_code_unit +
                           "' is not a unit identifier (mã định danh đơn vị, e.g. \"H21.129\": letters, "
                           "digits, '.', '-')");
    }
  }
  s.body_limit = static_cast<size_t>(
      n.integer_or("body_limit_bytes", static_cast<int64_t>(kDefaultBodyLimit), 256, 64LL * 1024 * 1024));
  if (auto rl = n.optional_object("rate_limit")) {
    rl->allow_only({"per_second", "burst"});
    s.rate_per_second = rl->number_or("per_second", 0, 0, 1e6);
    s.burst = rl->number_or("burst", std::max(1.0, s.rate_per_second), 1, 1e7);
  }
  s.tolerance_seconds = n.integer_or("tolerance_seconds", kDefaultToleranceSeconds, 1, 3600);
}

SourceConfig parse_source(const ConfigNode& n, const std::string& id) {
  n.allow_only({"auth",          "secrets",           "client_subjects", "client_fingerprints",
                "payload",       "mapping",           "procedure_codes", "body_limit_bytes",
                "rate_limit",    "tolerance_seconds", "shared_key",      "trusted_upstream",
                "bearer_tokens", "delivery_id",       "derived_id",      "answer",
                "origin",        "record_kind",       "record_limits",   "dossier_codes"});
  SourceConfig s;
  s.id = id;
  std::string auth =
      n.choice("auth", {"standard_webhooks", "mtls", "both", "shared_key", "trusted_upstream", "lgsp_bearer"},
               "standard_webhooks");
  s.auth = auth_mode(auth);
  s.payload =
      n.choice("payload", {"json", "soap"}, "json") == "soap" ? PayloadKind::kSoap : PayloadKind::kJson;
  parse_signature_secrets(n, s, auth);
  parse_shared_key(n, s);
  parse_trusted_upstream(n, s);
  parse_bearer_tokens(n, s);
  parse_client_certificates(n, s, auth);
  parse_derived_id(n, s);
  std::string answer = n.choice("answer", {"standard", "dvcqg", "lltp"}, "standard");
  s.answer = answer == "dvcqg"  ? AnswerShape::kDvcqg
             : answer == "lltp" ? AnswerShape::kLltp
                                : AnswerShape::kStandard;
  s.origin = n.string_or("origin", "");
  if (!s.origin.empty() && !valid_source_id(s.origin)) {
    n.fail("origin", "'" + s.origin + "' is not a destination name (e.g. \"dvcqg\")");
  }
  parse_files_and_limits(n, s);
  return s;
}

void parse_destinations(const ConfigNode& section, WebhooksConfig& c) {
  c.destinations = section.strings_or("destinations", c.destinations);
  if (c.destinations.empty())
    section.fail("destinations", "at least one outbox destination is required, e.g. [\"dvcqg\"]");
  for (size_t i = 0; i < c.destinations.size(); ++i) {
    const std::string& d = c.destinations[i];
    if (!valid_source_id(d)) {
      section.fail("destinations",
                   "'" + d + "' is not a destination name (1-64 characters of a-z, 0-9, '-' or '_')");
    }
    if (d == "one_stop_shop_notify") {
      section.fail("destinations", "one_stop_shop_notify is queued by the notify key; do not list it here");
    }
    if (std::find(c.destinations.begin(), c.destinations.begin() + static_cast<std::ptrdiff_t>(i), d) !=
        c.destinations.begin() + static_cast<std::ptrdiff_t>(i)) {
      section.fail("destinations", "'" + d + "' is listed twice");
    }
  }
}

}  // namespace

WebhooksConfig parse_config(const ConfigNode& section) {
  section.allow_only({"path_prefix", "retry_after_seconds", "receipt_retention_days", "destinations",
                      "notify", "sources", "journal_dir", "journal_fsync", "max_backlog"});
  WebhooksConfig c;
  c.path_prefix = section.string_or("path_prefix", c.path_prefix);
  if (c.path_prefix.empty() || c.path_prefix.front() != '/' || c.path_prefix.back() == '/') {
    section.fail("path_prefix", "must start with '/' and not end with '/', e.g. /v1/webhooks");
  }
  c.retry_after_seconds = section.integer_or("retry_after_seconds", c.retry_after_seconds, 1, 3600);
  c.receipt_retention_days = section.integer_or("receipt_retention_days", c.receipt_retention_days, 0, 36500);
  c.journal_dir = section.file_path_or("journal_dir", "");
  if (section.has("journal_fsync")) c.journal_fsync_configured = section.boolean_or("journal_fsync", false);
  c.max_backlog = static_cast<size_t>(
      section.integer_or("max_backlog", static_cast<int64_t>(c.max_backlog), 100, 10'000'000));
  parse_destinations(section, c);
  if (auto n = section.optional_object("notify")) {
    c.notify_url = n->string("url");
    if (c.notify_url->rfind("http://", 0) != 0 && c.notify_url->rfind("https://", 0) != 0) {
      n->fail("url", "must be an http:// or https:// URL of the provincial system's notification endpoint");
    }
  }
  ConfigNode sources = section.object("sources");
  for (auto& id : sources.keys()) {
    if (!valid_source_id(id)) {
      sources.fail(id, "a source id is 1-64 characters of a-z, 0-9, '-' or '_' (it appears in the URL)");
    }
    c.sources.push_back(parse_source(sources.object(id), id));
  }
  if (c.sources.empty()) section.fail("sources", "at least one source is required");
  return c;
}

void apply_store_defaults(WebhooksConfig& c, const std::optional<ConfigNode>& store) {
  std::string path =
      store ? store->file_path_or("path", "var/lienthong.db") : std::string("var/lienthong.db");
  if (c.journal_dir.empty()) {
    c.journal_dir =
        path == ":memory:"
            // A store that forgets everything at exit: so may the journal.
            ? (std::filesystem::temp_directory_path() / ("lienthong-webhooks-" + std::to_string(::getpid())))
                  .string()
            : path + "-webhooks";
  }
  std::string sync = store ? store->string_or("synchronous", "NORMAL") : std::string("NORMAL");
  std::string backend = store ? store->string_or("backend", "sqlite") : std::string("sqlite");
  // As durable as the store: an answered delivery must not be lost where a committed
  // transaction would not be. Synced in groups, so the cost is shared by the connections.
  c.journal_fsync =
      c.journal_fsync_configured.value_or(backend == "postgresql" || sync == "FULL" || sync == "EXTRA");
}

}  // namespace lienthong::webhooks
