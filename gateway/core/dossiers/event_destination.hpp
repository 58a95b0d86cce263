// A destination of dossier-status events (DVCQG, ...): an outbox destination that also
// makes, when an event is queued, the message it will send for it, and can say before
// anything is stored whether the event can be sent at all (required fields, code formats,
// the status transition in its own terms). Sync and webhooks queue through it
// (record_path.hpp), so a destination receives one payload shape whichever flow saw the
// event. An event it refuses is quarantined instead of queued.
#pragma once

#include <rapidjson/document.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/model/dossier_event.hpp"
#include "gateway/core/outbox/outbox.hpp"

namespace lienthong::dossiers {

// Kind of a message that carries the canonical event itself (model::to_json_string):
// what a destination without a translation of its own (the provincial notification) gets.
inline constexpr std::string_view kCanonicalKind = "dossier_status";

// What a destination wants queued for one event: the outbox message's kind and payload.
struct Prepared {
  std::string kind;
  std::string payload;
  // Pieces of the payload a destination's combine() may reuse without parsing it again
  // (not stored).
  std::vector<std::string> fragments;
};

class EventDestination : public outbox::Destination {
 public:
  // `previous_status`: the dossier's status before this event (nullopt: its first event).
  // Everything: prepare()'s checks and the transition.
  virtual Status check(const model::DossierStatusEvent& event, std::optional<int> previous_status) const = 0;

  // The message to queue for `event` (`canonical`: the event's canonical JSON), or why the
  // event can never be sent whatever came before it. The payload is fixed when it is
  // queued: what is sent is what was committed. Default: the canonical event.
  virtual Result<Prepared> prepare(const model::DossierStatusEvent& event,
                                   const std::string& canonical) const {
    (void)event;
    return Prepared{std::string(kCanonicalKind), canonical, {}};
  }
  // The same with the canonical JSON also as a document (a destination translating from
  // it saves building it again). Default: prepare(). When max_events_per_message() > 1 it
  // may leave the payload empty and give fragments instead: the message is then made with
  // combine(), also for one event.
  virtual Result<Prepared> prepare_from(const model::DossierStatusEvent& event, const std::string& canonical,
                                        const rapidjson::Value& canonical_doc) const {
    (void)canonical_doc;
    return prepare(event, canonical);
  }
  // Once prepare() accepted the event: whether it may follow `previous_status`.
  // Default: all of check().
  virtual Status check_prepared(const model::DossierStatusEvent& event,
                                std::optional<int> previous_status) const {
    return check(event, previous_status);
  }
  // How many new events of one dossier, recorded together, may travel as one outbox
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

// The destination adapters built from the config, by name (app/adapters.cpp builds them,
// once per process); a flow looks up the destinations its config section names.
class EventDestinations {
 public:
  // Throws std::invalid_argument on a name given twice (a wiring bug).
  void add(std::unique_ptr<EventDestination> destination);
  // nullptr: no adapter of that name was built (the flow then queues the canonical event).
  EventDestination* find(std::string_view name) const;
  std::vector<EventDestination*> all() const;

 private:
  std::map<std::string, std::unique_ptr<EventDestination>, std::less<>> by_name_;
};

}  // namespace lienthong::dossiers
