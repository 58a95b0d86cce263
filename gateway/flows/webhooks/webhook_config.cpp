#include "gateway/flows/webhooks/webhook_config.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "gateway/flows/webhooks/standard_webhooks.hpp"

namespace lienthong::webhooks {

const SourceConfig* WebhooksConfig::find(std::string_view id) const {
  for (auto& s : sources) {
    if (s.id == id) return &s;
  }
  return nullptr;
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

SourceConfig parse_source(const ConfigNode& n, const std::string& id) {
  n.allow_only({"auth", "secrets", "client_subjects", "client_fingerprints", "payload", "mapping",
                "procedure_codes", "body_limit_bytes", "rate_limit", "tolerance_seconds"});
  SourceConfig s;
  s.id = id;
  std::string auth = n.choice("auth", {"standard_webhooks", "mtls", "both"}, "standard_webhooks");
  s.auth = auth == "mtls" ? AuthMode::kMtls : auth == "both" ? AuthMode::kBoth : AuthMode::kStandardWebhooks;
  if (s.needs_signature()) {
    if (!n.has("secrets")) {
      n.fail("secrets", "required for auth '" + auth +
                            "': an object of named secret references, e.g. {\"current\": {\"env\": \"WH_" +
                            id + "\"}}, whose values are whsec_<base64>");
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
  } else if (n.has("secrets")) {
    n.fail("secrets", "auth 'mtls' does not use secrets; use auth 'both' to require a signature too");
  }
  s.client_subjects = n.strings_or("client_subjects");
  for (auto& fp : n.strings_or("client_fingerprints"))
    s.client_fingerprints.push_back(normalise_fingerprint(fp));
  if (s.needs_client_cert() && s.client_subjects.empty() && s.client_fingerprints.empty()) {
    n.fail("client_subjects", "auth '" + auth +
                                  "' needs client_subjects and/or client_fingerprints naming the sender's "
                                  "client certificate");
  }
  s.payload =
      n.choice("payload", {"json", "soap"}, "json") == "soap" ? PayloadKind::kSoap : PayloadKind::kJson;
  s.mapping_file = n.file_path("mapping");
  if (!std::filesystem::exists(s.mapping_file))
    n.fail("mapping", "file " + s.mapping_file + " does not exist");
  s.procedure_codes_file = n.file_path_or("procedure_codes", "");
  if (!s.procedure_codes_file.empty() && !std::filesystem::exists(s.procedure_codes_file)) {
    n.fail("procedure_codes", "file " + s.procedure_codes_file + " does not exist");
  }
  s.body_limit = static_cast<size_t>(
      n.integer_or("body_limit_bytes", static_cast<int64_t>(kDefaultBodyLimit), 256, 64LL * 1024 * 1024));
  if (auto rl = n.optional_object("rate_limit")) {
    rl->allow_only({"per_second", "burst"});
    s.rate_per_second = rl->number_or("per_second", 0, 0, 1e6);
    s.burst = rl->number_or("burst", std::max(1.0, s.rate_per_second), 1, 1e7);
  }
  s.tolerance_seconds = n.integer_or("tolerance_seconds", kDefaultToleranceSeconds, 1, 3600);
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
