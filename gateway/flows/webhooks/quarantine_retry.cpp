#include "gateway/flows/webhooks/quarantine_retry.hpp"

#include <map>
#include <string_view>

#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/dossiers/event_recorder.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/flows/webhooks/event_apply.hpp"
#include "gateway/flows/webhooks/payload.hpp"
#include "gateway/flows/webhooks/receipts.hpp"

namespace lienthong::webhooks {

namespace {
constexpr std::string_view kSourcePrefix = "webhook:";
constexpr std::string_view kKeyPrefix = "webhook-id:";

Result<rapidjson::Document> parse_as_sent(const std::string& body, PayloadKind kind) {
  if (kind == PayloadKind::kJson) return parse_json_payload(body);
  // The envelope's namespace tells the SOAP version it was sent in.
  auto v11 = parse_soap_payload(body, PayloadFormat::kSoap11);
  if (v11.ok()) return v11;
  auto v12 = parse_soap_payload(body, PayloadFormat::kSoap12);
  if (v12.ok()) return v12;
  return v11.error();
}

// Loaded sources' translators, by source id: a run over many records reads each mapping
// and table once.
using Translators = std::map<std::string, SourceTranslator, std::less<>>;

Result<RetryResult> retry_one(const WebhooksConfig& config, store::Database& db, outbox::Outbox& outbox,
                              int64_t id, int64_t now_ms, Translators& translators,
                              const dossiers::EventDestinations* built) {
  const std::string where = "quarantine record " + std::to_string(id);
  dossiers::Quarantine quarantine(db);
  LT_ASSIGN_OR_RETURN(auto rec, quarantine.get(id));
  if (!rec)
    return make_error(ErrorKind::kNotFound, where + " does not exist (see `lienthong quarantine list`)");
  if (!rec->source.starts_with(kSourcePrefix) || !rec->record_key.starts_with(kKeyPrefix)) {
    return make_error(ErrorKind::kValidation,
                      where + " comes from '" + rec->source +
                          "', not from a webhook; a record of the sync flow is pulled again once it is fixed "
                          "at its source (then `lienthong quarantine release " +
                          std::to_string(id) + "`)");
  }
  if (rec->released_at_ms != 0) return make_error(ErrorKind::kConflict, where + " was released already");
  const std::string source_id = rec->source.substr(kSourcePrefix.size());
  const std::string webhook_id = rec->record_key.substr(kKeyPrefix.size());
  const SourceConfig* sc = config.find(source_id);
  if (!sc) {
    return make_error(ErrorKind::kConfig,
                      where + ": webhook source '" + source_id + "' is not configured (webhooks.sources)");
  }
  // Only a delivery answered "quarantined" was held back before translation, with its body
  // as sent; the others were translated and then failed in the store.
  LT_ASSIGN_OR_RETURN(auto receipt, Receipts(db).find(source_id, webhook_id));
  if (!receipt) {
    return make_error(ErrorKind::kValidation,
                      where + ": the receipt of delivery '" + webhook_id +
                          "' is gone (older than webhooks.receipt_retention_days), so the record cannot be "
                          "told to hold the body as sent; ask the sender to send the message again under a "
                          "new webhook-id, then release this record");
  }
  if (receipt->outcome != "quarantined") {
    return make_error(ErrorKind::kValidation,
                      where + " was translated when it arrived and held back later (" + rec->reason_kind +
                          "); translating it again would not change that: see its reason");
  }
  if (!sc->record_kind.empty()) {
    return make_error(
        ErrorKind::kValidation,
        where + " is a '" + sc->record_kind +
            "' record, which has no mapping to translate again; fix the cause in its reason, then "
            "ask the sender to push it again and release this record");
  }
  auto parsed = parse_as_sent(rec->payload, sc->payload);
  if (!parsed.ok()) return parsed.error().context(where + ": the body as sent");
  auto loaded = translators.find(source_id);
  if (loaded == translators.end()) loaded = translators.emplace(source_id, SourceTranslator::load(*sc)).first;
  const SourceTranslator& translator = loaded->second;
  // Translated as of the delivery's arrival, as it would have been then.
  auto event = translator.translate(*parsed, receipt->received_at_ms);
  if (!event.ok()) return event.error().context(where + " still does not translate");
  model::DossierStatusEvent e = std::move(event).value();

  dossiers::DossierStore dossiers(db);
  RetryResult out;
  out.source = source_id;
  Status st = db.transaction([&]() -> Status {
    LT_ASSIGN_OR_RETURN(auto current, dossiers.get(e.dossier_code));
    if (current && e.sequence <= 0 && current->status_at_ms > e.status_at_ms) {
      return make_error(ErrorKind::kConflict,
                        where + ": dossier " + e.dossier_code +
                            " has a later status than this delivery's; applying it now would make the older "
                            "status the current one at the portal. If the later status is right, release the "
                            "record instead (`lienthong quarantine release " +
                            std::to_string(id) + "`)");
    }
    Error refusal;
    LT_ASSIGN_OR_RETURN(EventApplied applied, apply_event(dossiers, outbox,
                                                          event_routes(destinations_for(config, source_id),
                                                                       config.notify_url.has_value(), built),
                                                          e, now_ms, refusal));
    if (applied == EventApplied::kRefused) return refusal.context(where + " translates but");
    out.duplicate = applied == EventApplied::kDuplicate;
    return quarantine.release(id, now_ms);
  });
  if (!st.ok()) return st.error();
  out.dossier_code = e.dossier_code;
  out.sequence = e.sequence;
  return out;
}

}  // namespace

Result<RetryResult> retry_quarantined(const WebhooksConfig& config, store::Database& db,
                                      outbox::Outbox& outbox, int64_t id, int64_t now_ms,
                                      const dossiers::EventDestinations* built) {
  Translators translators;
  return retry_one(config, db, outbox, id, now_ms, translators, built);
}

Result<std::vector<RecordRetry>> retry_quarantined_source(const WebhooksConfig& config, store::Database& db,
                                                          outbox::Outbox& outbox,
                                                          const std::string& source_id, int64_t now_ms,
                                                          const dossiers::EventDestinations* built) {
  // Quarantined deliveries are few (an operator looks at each reason): read at once.
  constexpr int64_t kAtMost = 1'000'000;
  LT_ASSIGN_OR_RETURN(auto records,
                      dossiers::Quarantine(db).list(std::string(kSourcePrefix) + source_id, false, kAtMost));
  std::vector<RecordRetry> out;
  out.reserve(records.size());
  Translators translators;
  for (const auto& r : records) {  // by id: the order they were quarantined in
    out.push_back({r.id, retry_one(config, db, outbox, r.id, now_ms, translators, built)});
  }
  return out;
}

}  // namespace lienthong::webhooks
