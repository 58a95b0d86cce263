// One accepted webhook as the intake journal keeps it (gateway/flows/webhooks/intake_journal.hpp):
// who sent it, the answer the sender got, and either the translated canonical event or
// why it goes to quarantine (with the raw body). Encoded as a JSON object whose "event"
// is the canonical event JSON; read back after a restart, so decoding checks everything.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/common/result.hpp"
#include "gateway/core/model/dossier_event.hpp"

namespace lienthong::webhooks {

// What a sender was answered for one (source, webhook-id): replayed on redelivery.
struct IntakeAnswer {
  std::string body_hash;  // SHA-256 hex of the body
  int status = 0;         // 2xx
  std::string outcome;    // accepted | quarantined
  std::string body;       // the JSON answer
  // Not part of the record: the journal's ticket of a record that is only on disk after
  // the next group sync (0: durable already, or no group sync).
  uint64_t journal_ticket = 0;
};

struct IntakeRecord {
  std::string source, webhook_id;
  int64_t received_at_ms = 0;
  IntakeAnswer answer;
  // Exactly one of: the translated event, why it is quarantined (with the raw body), or
  // the record of another kind (record_kind.hpp).
  std::optional<model::DossierStatusEvent> event;
  std::string kind, record;
  std::optional<Error> quarantine;
  std::string body;
};

std::string encode_record(const IntakeRecord& r);
// kParse naming what is wrong (never the content: it holds personal data).
Result<IntakeRecord> decode_record(std::string_view payload);

}  // namespace lienthong::webhooks
