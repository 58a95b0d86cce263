// A destination of the sync flow: an outbox destination (delivery) that can also say,
// before anything is stored or queued, whether an event can be sent at all — required
// fields, code formats, date order and the status transition in its own terms. An event
// it refuses is quarantined instead of queued.
#pragma once

#include <optional>

#include "gateway/common/result.hpp"
#include "gateway/model/dossier_event.hpp"
#include "gateway/outbox/outbox.hpp"

namespace lienthong::sync {

class SyncTarget : public outbox::Destination {
 public:
  // `previous_status`: the dossier's status before this event (nullopt: its first event).
  virtual Status check(const model::DossierStatusEvent& event, std::optional<int> previous_status) const = 0;
};

}  // namespace lienthong::sync
