// A destination of the sync flow: an outbox destination (delivery) that can also say,
// before anything is stored or queued, whether an event can be sent at all — required
// fields, code formats, date order and the status transition in its own terms. An event
// it refuses is quarantined instead of queued.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/model/dossier_event.hpp"
#include "gateway/core/outbox/outbox.hpp"

namespace lienthong::sync {

// What a target wants queued for one event: the outbox message's kind and payload.
struct Prepared {
  std::string kind;
  std::string payload;
  // Pieces of the payload a target's combine() may reuse without parsing it again (not
  // stored).
  std::vector<std::string> fragments;
};

class SyncTarget : public outbox::Destination {
 public:
  // `previous_status`: the dossier's status before this event (nullopt: its first event).
  // Everything: prepare()'s checks and the transition.
  virtual Status check(const model::DossierStatusEvent& event, std::optional<int> previous_status) const = 0;

  // The message to queue for `event` (`canonical`: the event's canonical JSON), or why the
  // event can never be sent whatever came before it. The sync flow calls it before the
  // page's transaction, so translation does not hold the store, and the payload is fixed
  // when it is queued: what is sent is what was committed. Default: the canonical event.
  virtual Result<Prepared> prepare(const model::DossierStatusEvent& event,
                                   const std::string& canonical) const {
    (void)event;
    return Prepared{"dossier_status", canonical};
  }
  // The same with the canonical JSON also as a document (the sync flow has it at hand;
  // a target translating from it saves building it again). Default: prepare().
  // When max_events_per_message() > 1 it may leave the payload empty and give fragments
  // instead: the sync flow then makes the message with combine(), also for one event.
  virtual Result<Prepared> prepare_from(const model::DossierStatusEvent& event, const std::string& canonical,
                                        const rapidjson::Value& canonical_doc) const {
    (void)canonical_doc;
    return prepare(event, canonical);
  }
  // Inside the transaction, once prepare() accepted the event: whether it may follow
  // `previous_status`. Default: all of check().
  virtual Status check_prepared(const model::DossierStatusEvent& event,
                                std::optional<int> previous_status) const {
    return check(event, previous_status);
  }
  // How many new events of one dossier, from one pulled page, may travel as one outbox
  // message (combine()). 1: one message per event.
  virtual size_t max_events_per_message() const { return 1; }
  // One message for several consecutive events of `dossier_code` (their prepare() results,
  // in history order); delivered all or nothing, in order. Only called with more than one
  // part when max_events_per_message() allows it; with one part only when its payload is
  // empty (see prepare_from()).
  virtual Result<Prepared> combine(const std::string& dossier_code,
                                   const std::vector<Prepared>& parts) const {
    (void)dossier_code;
    if (parts.size() != 1)
      return Error(ErrorKind::kInternal, name() + ": cannot carry several events in one message");
    return parts[0];
  }
};

}  // namespace lienthong::sync
