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
//         "auth": "standard_webhooks",            // | "mtls" | "both" | "shared_key" |
//                                                 //   "trusted_upstream" | "lgsp_bearer"
//         "secrets": {"current": {"env": "WH_DKKD"}, "next": {"file": "/run/secrets/dkkd2"}},
//         "client_subjects": ["CN=dkkd,O=MPI,C=VN"], "client_fingerprints": ["ab12..."],
//         "payload": "json",                      // | "soap"
//         "mapping": "mappings/webhooks/dkkd/mapping.json",
//         "procedure_codes": "mappings/webhooks/dkkd/procedure_codes.json",
//         "body_limit_bytes": 1048576,
//         "rate_limit": {"per_second": 50, "burst": 100},
//         "tolerance_seconds": 300},
//       "dvcqg-thue": {
//         "auth": "shared_key",                   // issue #27: the national systems' schemes
//         "shared_key": {"secret": {"env": "WH_THUE"}, "body_field": "SecurityKey"},
//                                                 // or "query_parameter": "maXacThuc"
//         "delivery_id": "derived",               // | "header" (webhook-id)
//         "answer": "dvcqg",                      // | "standard" | "lltp"
//         ...},
//       "vxp": {"auth": "trusted_upstream",
//               "trusted_upstream": {"path_prefix": "/XrdAdapter/RestService/forward",
//                                    "addresses": ["10.10.0.0/16"], "client_certificate": false}},
//       "lgsp": {"auth": "lgsp_bearer", "bearer_tokens": {"current": {"env": "WH_LGSP"}}}}}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/config/config.hpp"
#include "gateway/flows/webhooks/record_limits.hpp"

namespace lienthong::webhooks {

enum class AuthMode { kStandardWebhooks, kMtls, kBoth, kSharedKey, kTrustedUpstream, kLgspBearer };
enum class PayloadKind { kJson, kSoap };
// Where the idempotency key comes from: the webhook-id header, or (senders that have
// none) the record itself (record_id.hpp).
enum class DeliveryIdSource { kHeader, kDerived };
// The shape of the answers (answer_shape.hpp): Standard Webhooks' 202 + RFC 9457, DVCQG's
// {"error_code", "message"} with HTTP 200, the criminal-record service's {statusCode, errorDetail}.
enum class AnswerShape { kStandard, kDvcqg, kLltp };

inline constexpr size_t kDefaultBodyLimit = 1024 * 1024;
// Shared keys and bearer tokens shorter than this are refused at config load.
inline constexpr size_t kMinSharedKeyBytes = 32;

// An IPv4 or IPv6 network (a single address is a /32 or /128).
struct AddressRange {
  std::string text;  // as configured, for messages
  bool v6 = false;
  unsigned char bytes[16] = {};
  int prefix = 0;
  bool contains(std::string_view address) const;
};
// "10.1.0.0/16", "192.0.2.7", "2001:db8::/32"; nullopt when it is none of these.
std::optional<AddressRange> parse_address_range(std::string_view text);
// The address part of a server::Request's remote_address ("ip:port", "[v6]:port" or "v6:port").
std::string_view address_without_port(std::string_view remote);

// What the derived delivery id reads from the record (docs/webhooks.md, "Delivery ids").
struct DerivedIdFields {
  // The first of these (dotted paths) that holds a non-empty string or number is the dossier code.
  std::vector<std::string> dossier = {"data.MaHoSo", "data.MaHoSoQG", "Data.MaHoSo", "MaHoSo", "maHoSoMCDT"};
  std::vector<std::string> service = {"service", "Service"};
  std::vector<std::string> updating = {"isUpdating", "IsUpdating"};
};

struct SourceConfig {
  std::string id;
  AuthMode auth = AuthMode::kStandardWebhooks;
  std::vector<std::string> secret_names;  // labels, safe to log (rotation visibility)
  std::vector<std::string> keys;          // decoded HMAC keys, same order
  std::vector<std::string> client_subjects;
  std::vector<std::string> client_fingerprints;  // sha256 hex, lower-case, no colons
  PayloadKind payload = PayloadKind::kJson;
  std::string mapping_file;  // empty with record_kind
  // A record kind other than the status event (record_kind.hpp), read by the kind
  // registered under this name instead of a mapping; empty: the mapping's status event.
  std::string record_kind;
  RecordLimits record_limits;  // record_limits: {file_bytes, record_bytes, fetch_*}, with record_kind only
  // dossier_codes.unit: the source first asks for a dossier code (GET <prefix>/{source}/LayMaHoSo),
  // "<unit>-<yyMMdd>-<NNNN>", and each record must use one handed out to it (issued_codes.hpp).
  // Empty: no codes are handed out.
  std::string dossier_code_unit;
  std::string procedure_codes_file;  // empty: procedure codes pass through unchanged
  size_t body_limit = kDefaultBodyLimit;
  double rate_per_second = 0;  // 0: unlimited
  double burst = 0;
  int64_t tolerance_seconds = 300;
  // shared_key: the key, and where the sender puts it (exactly one of the two).
  std::string shared_key;
  std::string shared_key_body_field;       // dotted path of a string member of the JSON body
  std::string shared_key_query_parameter;  // a query-string parameter
  // trusted_upstream: the X-Road/VXP adapter's forward path prefix, the adapter's
  // addresses, and whether it must also present a registered client certificate.
  std::string upstream_path_prefix;
  std::vector<AddressRange> upstream_addresses;
  bool upstream_client_certificate = false;
  // lgsp_bearer: the accepted tokens (rotation: several).
  std::vector<std::string> bearer_tokens;
  DeliveryIdSource delivery_id = DeliveryIdSource::kHeader;
  DerivedIdFields derived_id;
  AnswerShape answer = AnswerShape::kStandard;
  // The outbox destination this source's records come from (e.g. "dvcqg" for DVCQG's
  // pushes): their events are not queued back to it. Empty: every destination.
  std::string origin;

  bool needs_signature() const { return auth == AuthMode::kStandardWebhooks || auth == AuthMode::kBoth; }
  bool needs_client_cert() const {
    return auth == AuthMode::kMtls || auth == AuthMode::kBoth ||
           (auth == AuthMode::kTrustedUpstream && upstream_client_certificate);
  }
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

// The destinations an event from `source` is queued for: `destinations` without the
// source's origin (no echo back to the system it came from).
std::vector<std::string> destinations_for(const WebhooksConfig& c, std::string_view source);

// Validates and reads the section (secrets resolved and decoded, files checked to
// exist). Throws ConfigError naming the key and what to do.
WebhooksConfig parse_config(const ConfigNode& section);
// What the webhooks section takes from the store section (`store`, absent: defaults):
// the journal's directory next to the store, and its fsync as durable as the store.
void apply_store_defaults(WebhooksConfig& c, const std::optional<ConfigNode>& store);

}  // namespace lienthong::webhooks
