// The `webhooks` config section: one entry per pushing system (a ministry or department
// platform), each with how it proves who it is, what it sends and how much.
//
//   "webhooks": {
//     "path_prefix": "/v1/webhooks",              // route: POST <prefix>/{source}
//     "retry_after_seconds": 30,                  // Retry-After on 503
//     "destinations": ["dvcqg"],                  // outbox destinations of every accepted event
//     "notify": {"url": "https://motcua.../api/v1/notifications", "timeout_ms": 10000, ...},
//     "sources": {
//       "dkkd": {
//         "auth": "standard_webhooks",            // | "mtls" | "both"
//         "secrets": {"current": {"env": "WH_DKKD"}, "next": {"file": "/run/secrets/dkkd2"}},
//         "client_subjects": ["CN=dkkd,O=MPI,C=VN"], "client_fingerprints": ["ab12..."],
//         "payload": "json",                      // | "soap"
//         "mapping": "mappings/webhooks/dkkd/mapping.json",
//         "procedure_codes": "mappings/webhooks/dkkd/procedure_codes.json",
//         "body_limit_bytes": 1048576,
//         "rate_limit": {"per_second": 50, "burst": 100},
//         "tolerance_seconds": 300}}}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/config/config.hpp"

namespace lienthong::webhooks {

enum class AuthMode { kStandardWebhooks, kMtls, kBoth };
enum class PayloadKind { kJson, kSoap };

inline constexpr size_t kDefaultBodyLimit = 1024 * 1024;

struct SourceConfig {
  std::string id;
  AuthMode auth = AuthMode::kStandardWebhooks;
  std::vector<std::string> secret_names;  // labels, safe to log (rotation visibility)
  std::vector<std::string> keys;          // decoded HMAC keys, same order
  std::vector<std::string> client_subjects;
  std::vector<std::string> client_fingerprints;  // sha256 hex, lower-case, no colons
  PayloadKind payload = PayloadKind::kJson;
  std::string mapping_file;
  std::string procedure_codes_file;  // empty: procedure codes pass through unchanged
  size_t body_limit = kDefaultBodyLimit;
  double rate_per_second = 0;  // 0: unlimited
  double burst = 0;
  int64_t tolerance_seconds = 300;

  bool needs_signature() const { return auth != AuthMode::kMtls; }
  bool needs_client_cert() const { return auth != AuthMode::kStandardWebhooks; }
};

struct WebhooksConfig {
  std::string path_prefix = "/v1/webhooks";
  int64_t retry_after_seconds = 30;
  // Receipts (the answer to each source + webhook-id, for redeliveries) are deleted this
  // long after they were received (0: kept for ever). Longer than any sender retries.
  int64_t receipt_retention_days = 30;
  // The outbox destinations every accepted event is queued for, each under the ordering
  // key "dossier:<code>" that the sync flow uses for the same destination (one order per
  // dossier whichever flow saw the event). The notification below comes on top.
  std::vector<std::string> destinations = {"dvcqg"};
  // The provincial system's notification endpoint; its other keys (timeouts, TLS) are
  // the HTTP client's and are read by the component.
  std::optional<std::string> notify_url;
  std::vector<SourceConfig> sources;
  // The intake journal (gateway/flows/webhooks/intake_journal.hpp). Its directory defaults (in
  // the component) to "<store path>-webhooks"; fsync (`journal_fsync`) defaults to the
  // store's durability: on with SQLite's synchronous FULL or EXTRA, and on PostgreSQL
  // (whose commits reach the disk), off with SQLite's NORMAL.
  std::string journal_dir;
  std::optional<bool> journal_fsync_configured;  // the key, when given
  bool journal_fsync = false;                    // in effect
  uint64_t journal_segment_bytes = 64ull * 1024 * 1024;
  // Appends copied into a mapping of the segment (default) or written with pwritev; not
  // a config key (the journal falls back by itself), set by the benchmark to compare.
  bool journal_mapping = true;
  // Accepted deliveries not yet applied to the store; over it new ones get 503.
  size_t max_backlog = 20'000;

  const SourceConfig* find(std::string_view id) const;
};

// Validates and reads the section (secrets resolved and decoded, files checked to
// exist). Throws ConfigError naming the key and what to do.
WebhooksConfig parse_config(const ConfigNode& section);
// What the webhooks section takes from the store section (`store`, absent: defaults):
// the journal's directory next to the store, and its fsync as durable as the store.
void apply_store_defaults(WebhooksConfig& c, const std::optional<ConfigNode>& store);

}  // namespace lienthong::webhooks
