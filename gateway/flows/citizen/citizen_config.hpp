// The `citizen_lookup` config section, read and validated as a whole before any port
// opens. Keys (see docs/citizen_lookup.md for an example):
//   provinces_file      birthplace province codes (default mappings/citizen/birthplace_provinces.json)
//   pseudonym_key       secret ref, ≥ 32 bytes: HMAC key for numbers in the audit log
//   pseudonym_key_id    optional id of that key written with each pseudonym (rotation)
//   purposes[]          {name, fields[], service_code, description, procedures[]}
//   accounts[]          {id, official, agency, purposes[], api_key (secret ref) | api_key_sha256[],
//                        client_cert_subjects[], client_cert_sha256[], rate_limit{per_minute, burst}}
//   default_rate_limit  {per_minute, burst}
//   enumeration         {threshold, window_seconds, flag_seconds, slow_interval_seconds}
//   dossier_check       "refuse" | "flag" (default) | "off": a known dossier_code must be of the
//                       account's agency, open, and of a procedure the purpose may serve
//   allow_plain_http    bool, default false: lookups served on a non-loopback address without TLS
//   in_flight           {per_account, per_agency, total}: lookups in flight to the database
//   repeat              {threshold, window_seconds}: found lookups of one citizen by one account
//   unknown_callers     {per_source, total, window_seconds, max_callers}: refusals of unknown
//                       callers throttled and audited once per caller per window
//   upstream            {url, timeout_ms, retry_once, token{...NGSP TokenOptions}, client{...ClientOptions}}
#pragma once

#include <memory>

#include "gateway/core/config/config.hpp"
#include "gateway/flows/citizen/accounts.hpp"
#include "gateway/flows/citizen/dossier_justification.hpp"
#include "gateway/flows/citizen/enumeration_guard.hpp"
#include "gateway/flows/citizen/in_flight_limits.hpp"
#include "gateway/flows/citizen/personal_id.hpp"
#include "gateway/flows/citizen/purpose_policy.hpp"
#include "gateway/flows/citizen/repeat_watch.hpp"
#include "gateway/flows/citizen/unknown_callers.hpp"

namespace lienthong::citizen {

struct CitizenLookupConfig {
  ProvinceCodes provinces;
  AccountDirectory accounts;
  PurposePolicy purposes;
  EnumerationOptions enumeration;
  InFlightOptions in_flight;
  RepeatOptions repeat;
  UnknownCallerOptions unknown_callers;
  Secret pseudonym_key;
  std::string pseudonym_key_id;  // "" derives it from the key
  bool allow_plain_http = false;
  DossierCheckMode dossier_check = DossierCheckMode::kFlag;
};

inline constexpr char kDefaultProvincesFile[] = "mappings/citizen/birthplace_provinces.json";
inline constexpr size_t kMinPseudonymKeyBytes = 32;

// An API key must carry at least 32 random bytes (`openssl rand -hex 32` or `-base64 32`).
// Randomness cannot be measured from one key: the estimate is its length times the bits
// of the smallest usual alphabet holding all its characters (hex 4, base64 6, printable
// ASCII 6.5), with no character making up more than a quarter of it. Returns what is
// wrong, or "" for a strong key; never repeats the key.
std::string api_key_weakness(std::string_view key);

// Lookups carry personal data: on an address other than loopback the server must use TLS,
// unless citizen_lookup.allow_plain_http says otherwise (a TLS-terminating proxy in
// front). Throws ConfigError naming the key; returns a warning to log at start ("" if none).
std::string check_transport(const ConfigNode& root);

// Throws ConfigError naming the dotted key. The `upstream.token` and `upstream.client`
// sub-objects belong to the HTTP layer and are validated by whoever builds it.
CitizenLookupConfig parse_citizen_config(const ConfigNode& section);

}  // namespace lienthong::citizen
