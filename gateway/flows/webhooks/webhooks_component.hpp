// The `webhooks` component of the daemon: validates the `webhooks` config section,
// contributes the receipts migration (plus the dossier store's and quarantine's, shared),
// registers POST /v1/webhooks/{source} and the one_stop_shop_notify outbox destination.
#pragma once

#include <functional>
#include <memory>

#include "gateway/core/runtime/component.hpp"

namespace lienthong::dossiers {
class EventDestinations;
}

namespace lienthong::webhooks {

class RecordKinds;

// The destination adapters the app built from the config (app/adapters.cpp).
using DestinationsOf = std::function<const dossiers::EventDestinations*(app::Runtime&)>;

// `kinds`: the record kinds other than status events that sources may name (record_kind),
// registered by the app (adapters' kinds); null: none. `destinations`: where the receiver
// finds the adapters of webhooks.destinations (null: every destination gets the
// canonical event).
app::ComponentSpec component_spec(std::shared_ptr<const RecordKinds> kinds = nullptr,
                                  DestinationsOf destinations = nullptr);

}  // namespace lienthong::webhooks
