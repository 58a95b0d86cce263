// The one record path: what the sync flow (a pulled page) and the webhook flow (an
// accepted delivery) both do with a dossier's new status events, inside the caller's
// transaction: store each event (dossier_events), queue one outbox message per configured
// destination, made by that destination when it is queued (EventDestination::prepare:
// what is sent is what was committed), run the caller's per-event audit (the due-date
// audit), and move the dossier view once, to the latest new event.
//
// Keys, the same whichever flow saw the event: ordering key "<prefix><dossier code>"
// (prefix "dossier:": strict order per dossier) and dedup key
// "<code>#<sequence>#<destination>", or "<code>#<first>-<last>#<destination>" for a
// message that carries several events.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/core/common/result.hpp"
#include "gateway/core/dossiers/dossier_store.hpp"
#include "gateway/core/dossiers/event_destination.hpp"
#include "gateway/core/model/dossier_event.hpp"
#include "gateway/core/outbox/outbox.hpp"

namespace lienthong::dossiers {

// One outbox destination of recorded events.
struct Route {
  std::string destination;
  // Makes the destination's messages; nullptr: the canonical event (kCanonicalKind).
  const EventDestination* translator = nullptr;
  std::string ordering_prefix = "dossier:";
};

// The routes for destination names: each name's adapter from `built` (may be null).
std::vector<Route> routes_for(const std::vector<std::string>& names, const EventDestinations* built);

// One event's canonical JSON and each route's message (or refusal), in routes' order.
struct PreparedEvent {
  bool ready = false;
  std::string canonical;
  std::vector<Result<Prepared>> per_route;
};

// Canonical JSON and every route's message for `e`; may run outside any transaction
// (the sync flow prepares on its prefetch thread).
void prepare_event(const std::vector<Route>& routes, const model::DossierStatusEvent& e, PreparedEvent& out);
// The first route whose prepare() refused the event, named in the error.
Status prepared_for_all(const std::vector<Route>& routes, const PreparedEvent& p);
// The same, then the first route whose check_prepared() refuses the transition from
// `previous_status` (the sync flow checks the source's history against the portal's rules).
Status check_prepared(const std::vector<Route>& routes, const model::DossierStatusEvent& e,
                      const PreparedEvent& p, std::optional<int> previous_status);

// New events of one dossier, in history order, inside the caller's transaction.
class EventRecorder {
 public:
  EventRecorder(DossierStore& store, outbox::Outbox& outbox, const std::vector<Route>& routes,
                std::string dossier_code, int64_t now_ms);

  // Run on each event that record() stores (e.g. the due-date audit); its error fails the
  // transaction.
  void set_audit(std::function<Status(const model::DossierStatusEvent&)> audit) { audit_ = std::move(audit); }

  // Stores `e` (p.canonical, prepared by prepare_event(), every route accepted). New:
  // queued for every route (a route that carries several events per message waits for
  // more or for finish()). kDuplicate: stored before, nothing queued. A kConflict Error:
  // that (dossier, sequence) holds other content. `e` must outlive finish().
  Result<RecordOutcome> record(const model::DossierStatusEvent& e, PreparedEvent& p);
  // Queues what waits and moves the dossier view to the latest new event.
  Status finish();

  int64_t inserted() const { return inserted_; }

 private:
  Status flush(size_t route);

  DossierStore& store_;
  outbox::Outbox& outbox_;
  const std::vector<Route>& routes_;
  std::string code_;
  int64_t now_ms_;
  std::function<Status(const model::DossierStatusEvent&)> audit_;
  std::vector<std::vector<std::pair<int, Prepared>>> waiting_;  // per route: (sequence, message)
  const model::DossierStatusEvent* latest_ = nullptr;
  int64_t inserted_ = 0;
};

}  // namespace lienthong::dossiers
