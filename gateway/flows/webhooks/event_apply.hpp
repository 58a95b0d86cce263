// What turns a webhook source's payload into a canonical dossier-status event and puts
// that event into the store: shared by the receiver's applier and by
// `lienthong quarantine retry`, which re-translates a quarantined delivery after an
// operator fixed the source's mapping or procedure-code table.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/model/dossier_event.hpp"
#include "gateway/flows/webhooks/procedure_codes.hpp"
#include "gateway/flows/webhooks/webhook_config.hpp"

namespace lienthong::mapping {
class Mapping;
class CodeResolver;
}  // namespace lienthong::mapping
namespace lienthong::dossiers {
class DossierStore;
class EventDestinations;
struct Route;
}  // namespace lienthong::dossiers
namespace lienthong::outbox {
class Outbox;
}

namespace lienthong::webhooks {

// The provincial system's notification destination (notify_destination.hpp).
inline constexpr const char* kNotifyDestination = "one_stop_shop_notify";

// A configured source's mapping file and procedure-code table, loaded.
struct SourceTranslator {
  std::string source_id;
  std::unique_ptr<mapping::Mapping> mapping;
  std::optional<ProcedureCodeTable> codes;

  // Throws ConfigError naming webhooks.sources.<id>.mapping or .procedure_codes.
  static SourceTranslator load(const SourceConfig& config);
  SourceTranslator();
  SourceTranslator(SourceTranslator&&) noexcept;
  SourceTranslator& operator=(SourceTranslator&&) noexcept;
  ~SourceTranslator();

  // The canonical event (source "webhook:<id>"); an Error (mapping, validation, a code
  // not in the table) is what quarantines a delivery.
  Result<model::DossierStatusEvent> translate(const rapidjson::Value& payload, int64_t now_ms,
                                              const mapping::CodeResolver* codes_as_of = nullptr) const;
};

enum class EventApplied {
  kInserted,
  kDuplicate,
  kRefused,  // a destination's translation refused the event: nothing written
};

// Where an accepted event is queued: each of `destinations` (webhooks.destinations) under
// the dossier's ordering key, made by its adapter from `built` when one is built (DVCQG:
// its records, as the sync flow queues them), and, with `notify`, the provincial system's
// notification endpoint under its own ordering key.
std::vector<dossiers::Route> event_routes(const std::vector<std::string>& destinations, bool notify,
                                          const dossiers::EventDestinations* built);

// Inside the caller's transaction: gives an unnumbered event the next sequence of its
// dossier and records it through the one record path (gateway/core/dossiers/
// event_recorder.hpp: event, dossier view, one message per route).
// kDuplicate: the same event was recorded before (nothing enqueued). A kConflict Error:
// that (dossier, sequence) holds other content. kRefused: a route's translation refused
// the event (why in `refusal`, "not sendable to <destination>: ..."), nothing written.
// `e.sequence` is the event's sequence afterwards.
Result<EventApplied> apply_event(dossiers::DossierStore& dossiers, outbox::Outbox& outbox,
                                 const std::vector<dossiers::Route>& routes, model::DossierStatusEvent& e,
                                 int64_t now_ms, Error& refusal);

}  // namespace lienthong::webhooks
