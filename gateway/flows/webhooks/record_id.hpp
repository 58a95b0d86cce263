// The delivery id of a push whose sender sends no webhook-id (DVCQG, the criminal-record
// service): derived from the record, so that the same record pushed again is the same
// delivery and is answered from its receipt instead of being applied twice.
//
//   "<service>|<dossier>|<updating>|<sha256 hex of the canonical content>"
//
// service, dossier code and isUpdating are the first non-empty of the source's configured
// dotted paths (SourceConfig::derived_id; "-" when none holds one), cut to 60 characters,
// bytes outside printable ASCII replaced by '_'. The canonical content is the payload with
// object members sorted by name, no whitespace, and the shared key's body member left out
// (a key rotation does not make a record new). Two pushes of the same record that differ
// only in member order or spacing are the same delivery; any other difference (an amount,
// an attachment) is a new one.
#pragma once

#include <rapidjson/document.h>

#include <string>

#include "gateway/flows/webhooks/webhook_config.hpp"

namespace lienthong::webhooks {

// The payload as canonical JSON (members sorted, compact), without `omit` (a dotted path;
// empty: nothing left out).
std::string canonical_json(const rapidjson::Value& payload, std::string_view omit = {});

struct DerivedId {
  std::string id;      // the delivery id (at most 256 printable ASCII characters)
  std::string digest;  // SHA-256 hex of the canonical content: the body hash for replays
};
DerivedId derive_delivery_id(const SourceConfig& source, const rapidjson::Value& payload);

}  // namespace lienthong::webhooks
