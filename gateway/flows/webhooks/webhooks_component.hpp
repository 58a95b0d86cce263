// The `webhooks` component of the daemon: validates the `webhooks` config section,
// contributes the receipts migration (plus the dossier store's and quarantine's, shared),
// registers POST /v1/webhooks/{source} and the one_stop_shop_notify outbox destination.
#pragma once

#include <memory>

#include "gateway/core/runtime/component.hpp"

namespace lienthong::webhooks {

class RecordKinds;

// `kinds`: the record kinds other than status events that sources may name (record_kind),
// registered by the app (adapters' kinds); null: none.
app::ComponentSpec component_spec(std::shared_ptr<const RecordKinds> kinds = nullptr);

}  // namespace lienthong::webhooks
