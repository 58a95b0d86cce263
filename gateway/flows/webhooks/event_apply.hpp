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
}
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

enum class EventApplied { kInserted, kDuplicate };

// Inside the caller's transaction: gives an unnumbered event the next sequence of its
// dossier, records it (event and dossier view) and enqueues it for each of
// `destinations` (webhooks.destinations) and, with `notify`, for the provincial system.
// kDuplicate: the same event was recorded before
// (nothing enqueued). A kConflict Error: that (dossier, sequence) holds other content.
// `e.sequence` is the event's sequence afterwards.
Result<EventApplied> apply_event(dossiers::DossierStore& dossiers, outbox::Outbox& outbox,
                                 const std::vector<std::string>& destinations, bool notify,
                                 model::DossierStatusEvent& e, int64_t now_ms);

}  // namespace lienthong::webhooks
