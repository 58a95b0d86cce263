#include "gateway/core/dossiers/event_recorder.hpp"

#include <stdexcept>

#include "gateway/core/common/json.hpp"

namespace lienthong::dossiers {

void EventDestinations::add(std::unique_ptr<EventDestination> destination) {
  std::string name = destination->name();
  if (!by_name_.emplace(name, std::move(destination)).second)
    throw std::invalid_argument("two destination adapters are named '" + name + "'");
}

EventDestination* EventDestinations::find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second.get();
}

std::vector<EventDestination*> EventDestinations::all() const {
  std::vector<EventDestination*> out;
  for (const auto& [name, d] : by_name_) out.push_back(d.get());
  return out;
}

std::vector<Route> routes_for(const std::vector<std::string>& names, const EventDestinations* built) {
  std::vector<Route> out;
  out.reserve(names.size());
  for (const std::string& n : names) out.push_back(Route{n, built ? built->find(n) : nullptr, "dossier:"});
  return out;
}

void prepare_event(const std::vector<Route>& routes, const model::DossierStatusEvent& e, PreparedEvent& out) {
  out.ready = true;
  json::ScratchPool<> pool;  // the canonical document lives only while the routes translate it
  rapidjson::Value doc;
  model::to_json(e, doc, pool.allocator());
  out.canonical = json::to_string(doc);
  out.per_route.clear();
  out.per_route.reserve(routes.size());
  for (const Route& r : routes) {
    if (r.translator) {
      out.per_route.push_back(r.translator->prepare_from(e, out.canonical, doc));
    } else {
      out.per_route.push_back(Prepared{std::string(kCanonicalKind), out.canonical, {}});
    }
  }
}

Status prepared_for_all(const std::vector<Route>& routes, const PreparedEvent& p) {
  for (size_t t = 0; t < routes.size() && t < p.per_route.size(); ++t) {
    if (!p.per_route[t].ok())
      return p.per_route[t].error().context("not sendable to " + routes[t].destination);
  }
  return {};
}

Status check_prepared(const std::vector<Route>& routes, const model::DossierStatusEvent& e,
                      const PreparedEvent& p, std::optional<int> previous_status) {
  for (size_t t = 0; t < routes.size(); ++t) {
    Status c = !p.per_route[t].ok()   ? Status(p.per_route[t].error())
               : routes[t].translator ? routes[t].translator->check_prepared(e, previous_status)
                                      : Status();
    if (!c.ok()) return c.error().context("not sendable to " + routes[t].destination);
  }
  return {};
}

EventRecorder::EventRecorder(DossierStore& store, outbox::Outbox& outbox, const std::vector<Route>& routes,
                             std::string dossier_code, int64_t now_ms)
    : store_(store),
      outbox_(outbox),
      routes_(routes),
      code_(std::move(dossier_code)),
      now_ms_(now_ms),
      waiting_(routes.size()) {}

Result<RecordOutcome> EventRecorder::record(const model::DossierStatusEvent& e, PreparedEvent& p) {
  if (!p.ready || p.per_route.size() != routes_.size() || e.dossier_code != code_)
    return Error(ErrorKind::kInternal, "recording dossier " + code_ + ": event #" +
                                           std::to_string(e.sequence) +
                                           " was not prepared for this dossier's routes");
  LT_ASSIGN_OR_RETURN(RecordOutcome outcome, store_.record(e, p.canonical, now_ms_, false));
  if (outcome == RecordOutcome::kDuplicate) return outcome;
  for (size_t t = 0; t < routes_.size(); ++t) {
    if (!p.per_route[t].ok())
      return p.per_route[t].error().context("dossier " + code_ + " event #" + std::to_string(e.sequence) +
                                            ": not sendable to " + routes_[t].destination);
    waiting_[t].emplace_back(e.sequence, std::move(p.per_route[t]).value());
    size_t most = routes_[t].translator ? routes_[t].translator->max_events_per_message() : 1;
    if (waiting_[t].size() >= most) LT_TRY(flush(t));
  }
  ++inserted_;
  latest_ = &e;
  if (audit_) LT_TRY(audit_(e));
  return outcome;
}

Status EventRecorder::flush(size_t t) {
  auto& q = waiting_[t];
  if (q.empty()) return {};
  const Route& route = routes_[t];
  outbox::NewMessage m;
  m.destination = route.destination;
  m.ordering_key = route.ordering_prefix + code_;
  // One event keeps the key every flow uses for it; several name their first and last.
  m.dedup_key = code_ + "#" + std::to_string(q.front().first) +
                (q.size() > 1 ? "-" + std::to_string(q.back().first) : "") + "#" + m.destination;
  m.events = static_cast<int64_t>(q.size());
  if (q.size() == 1 && !q[0].second.payload.empty()) {
    m.kind = std::move(q[0].second.kind);
    m.payload = std::move(q[0].second.payload);
  } else {
    if (!route.translator)
      return Error(ErrorKind::kInternal, route.destination + ": several events but no way to combine them");
    std::vector<Prepared> parts;
    parts.reserve(q.size());
    for (auto& [seq, prepared] : q) parts.push_back(std::move(prepared));
    LT_ASSIGN_OR_RETURN(Prepared combined, route.translator->combine(code_, parts));
    m.kind = std::move(combined.kind);
    m.payload = std::move(combined.payload);
  }
  q.clear();
  LT_TRY(outbox_.enqueue(m));
  return {};
}

Status EventRecorder::finish() {
  for (size_t t = 0; t < routes_.size(); ++t) LT_TRY(flush(t));
  // The dossier view once, from the latest new event, not once per event.
  if (latest_) LT_TRY(store_.update_view(*latest_, now_ms_));
  latest_ = nullptr;
  return {};
}

}  // namespace lienthong::dossiers
