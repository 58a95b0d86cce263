// The `webhooks` component of the daemon: validates the `webhooks` config section,
// contributes the receipts migration (plus the dossier store's and quarantine's, shared),
// registers POST /v1/webhooks/{source} and the one_stop_shop_notify outbox destination.
#pragma once

#include "gateway/core/runtime/component.hpp"

namespace lienthong::webhooks {

app::ComponentSpec component_spec();

}  // namespace lienthong::webhooks
