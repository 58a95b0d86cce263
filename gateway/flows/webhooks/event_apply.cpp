#include "gateway/flows/webhooks/event_apply.hpp"

#include "gateway/core/config/config.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/dossiers/event_recorder.hpp"
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

std::vector<dossiers::Route> event_routes(const std::vector<std::string>& destinations, bool notify,
                                          const dossiers::EventDestinations* built) {
  std::vector<dossiers::Route> routes = dossiers::routes_for(destinations, built);
  // Its own ordering key: the provincial system being down must not hold back DVCQG.
  if (notify) routes.push_back({kNotifyDestination, nullptr, std::string(kNotifyDestination) + ":"});
  return routes;
}

Result<EventApplied> apply_event(dossiers::DossierStore& dossiers, outbox::Outbox& outbox,
                                 const std::vector<dossiers::Route>& routes, model::DossierStatusEvent& e,
                                 int64_t now_ms, Error& refusal) {
  if (e.sequence <= 0) {
    // Ministry systems seldom number their pushes: the next position in this dossier's
    // history, decided inside the transaction, in the order of intake.
    LT_ASSIGN_OR_RETURN(auto last, dossiers.last_sequence(e.dossier_code));
    e.sequence = last.value_or(0) + 1;
  }
  // Translated for each destination once numbered (the sequence is part of what is sent),
  // before anything is written: a refusal leaves the store as it was.
  dossiers::PreparedEvent prepared;
  dossiers::prepare_event(routes, e, prepared);
  if (Status ok = dossiers::prepared_for_all(routes, prepared); !ok.ok()) {
    refusal = ok.error();
    return EventApplied::kRefused;
  }
  dossiers::EventRecorder recorder(dossiers, outbox, routes, e.dossier_code, now_ms);
  LT_ASSIGN_OR_RETURN(dossiers::RecordOutcome rec, recorder.record(e, prepared));
  // The same event was recorded before (by the sync flow or another delivery).
  if (rec != dossiers::RecordOutcome::kInserted) return EventApplied::kDuplicate;
  LT_TRY(recorder.finish());
  return EventApplied::kInserted;
}

}  // namespace lienthong::webhooks
