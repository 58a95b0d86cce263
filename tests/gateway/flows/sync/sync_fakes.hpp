// Dossier data and a sync target for the sync flow's tests (SQLite and PostgreSQL stores).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/flows/sync/sync_flow.hpp"

namespace lienthong::sync::fakes {

// Event `seq` of dossier `code`, `seq` hours after 2023-11-14 22:13 UTC.
inline model::DossierStatusEvent event(const std::string& code, int seq, int status) {
  model::DossierStatusEvent e;
  e.source = "fake";
  e.dossier_code = code;
  e.procedure_code = "1.003560.000.00.00.H56";
  e.channel = 2;
  e.owner_type = 1;
  e.agency_code = "000.00.12.H56";
  e.agency_level = "province";
  e.received_at_ms = 1'700'000'000'000;
  e.due_at_ms = e.received_at_ms + 10 * 86'400'000LL;
  e.status = status;
  e.status_at_ms = 1'700'000'000'000 + seq * 3'600'000LL;
  e.sequence = seq;
  return e;
}

// A source record of dossier `code` with events (sequence, status).
inline SourceRecord record(const std::string& code, std::vector<std::pair<int, int>> seq_status) {
  SourceRecord r;
  r.dossier_code = code;
  r.payload = "{\"ma_ho_so\":\"" + code + "\"}";
  for (auto [seq, status] : seq_status) {
    SourceEvent ev;
    ev.sequence = seq;
    ev.event = event(code, seq, status);
    r.events.push_back(std::move(ev));
  }
  return r;
}

// Accepts every delivery; refuses status 99 and any first status other than 1 or 2.
class FakeTarget : public SyncTarget {
 public:
  std::string name() const override { return "fake_dest"; }
  std::vector<Status> deliver(const std::vector<outbox::Message>& b) override {
    return std::vector<Status>(b.size());
  }
  Status check(const model::DossierStatusEvent& e, std::optional<int> prev) const override {
    if (e.status == 99) return Error(ErrorKind::kValidation, "TrangThaiHoSo 99 is not a national code");
    if (!prev && e.status != 1 && e.status != 2) return Error(ErrorKind::kValidation, "bad first status");
    return {};
  }
};

}  // namespace lienthong::sync::fakes
