#include "gateway/flows/webhooks/event_apply.hpp"

#include "gateway/core/config/config.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/mapping/mapping.hpp"
#include "gateway/core/outbox/outbox.hpp"

namespace lienthong::webhooks {

SourceTranslator::SourceTranslator() = default;
SourceTranslator::SourceTranslator(SourceTranslator&&) noexcept = default;
SourceTranslator& SourceTranslator::operator=(SourceTranslator&&) noexcept = default;
SourceTranslator::~SourceTranslator() = default;

SourceTranslator SourceTranslator::load(const SourceConfig& sc) {
  SourceTranslator t;
  t.source_id = sc.id;
  auto m = mapping::Mapping::load_file(sc.mapping_file);
  if (!m.ok()) throw ConfigError("webhooks.sources." + sc.id + ".mapping: " + m.error().message);
  t.mapping = std::make_unique<mapping::Mapping>(std::move(m).value());
  if (!sc.procedure_codes_file.empty()) {
    auto table = ProcedureCodeTable::load_file(sc.procedure_codes_file);
    if (!table.ok())
      throw ConfigError("webhooks.sources." + sc.id + ".procedure_codes: " + table.error().message);
    t.codes = std::move(table).value();
  }
  return t;
}

Result<model::DossierStatusEvent> SourceTranslator::translate(
    const rapidjson::Value& payload, int64_t now_ms, const mapping::CodeResolver* codes_as_of) const {
  mapping::Context ctx;
  ctx.event_time_ms = now_ms;
  ctx.codes = codes_as_of;
  LT_ASSIGN_OR_RETURN(rapidjson::Document target, mapping->apply(payload, ctx));
  LT_TRY(mapping->validate(target));
  LT_ASSIGN_OR_RETURN(model::DossierStatusEvent e, model::from_json(target));
  e.source = "webhook:" + source_id;
  if (codes) {
    // The mapping carries the ministry's own code through; the table makes it national.
    LT_ASSIGN_OR_RETURN(e.procedure_code, codes->resolve(e.procedure_code, payload));
  }
  return e;
}

Result<EventApplied> apply_event(dossiers::DossierStore& dossiers, outbox::Outbox& outbox,
                                 const std::vector<std::string>& destinations, bool notify,
                                 model::DossierStatusEvent& e, int64_t now_ms) {
  if (e.sequence <= 0) {
    // Ministry systems seldom number their pushes: the next position in this dossier's
    // history, decided inside the transaction, in the order of intake.
    LT_ASSIGN_OR_RETURN(auto last, dossiers.last_sequence(e.dossier_code));
    e.sequence = last.value_or(0) + 1;
  }
  // Serialised once: the same canonical JSON is the stored event and the outbox payload.
  std::string payload = model::to_json_string(e);
  LT_ASSIGN_OR_RETURN(dossiers::RecordOutcome rec, dossiers.record(e, payload, now_ms));
  // The same event was recorded before (by the sync flow or another delivery).
  if (rec != dossiers::RecordOutcome::kInserted) return EventApplied::kDuplicate;
  outbox::NewMessage m;
  m.kind = "dossier_status";
  m.payload = std::move(payload);
  // Same keys as the sync flow (gateway/flows/sync): one order per dossier and destination
  // whichever flow saw the event, and "<dossier>#<sequence>#<destination>" as the dedup key.
  m.ordering_key = "dossier:" + e.dossier_code;
  for (const std::string& d : destinations) {
    m.destination = d;
    m.dedup_key = e.event_key() + "#" + d;
    LT_TRY(outbox.enqueue(m));
  }
  if (notify) {
    // Its own ordering key: the provincial system being down must not hold back DVCQG.
    m.destination = kNotifyDestination;
    m.ordering_key = std::string(kNotifyDestination) + ":" + e.dossier_code;
    m.dedup_key = e.event_key() + "#" + kNotifyDestination;
    LT_TRY(outbox.enqueue(m));
  }
  return EventApplied::kInserted;
}

}  // namespace lienthong::webhooks
