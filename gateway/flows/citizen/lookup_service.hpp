// POST /v1/citizens/lookup: the single, accountable door from the provincial systems to
// the population database. In order: identify the caller, rate-limit its account, slow a
// flagged account, parse and validate the request (the number's structure never leaves
// the gateway unchecked), check the purpose, reserve the call (enumeration guard and
// in-flight caps, under their locks, before the call), ask the database, keep only the fields the
// purpose allows, and append every lookup, allowed or refused, to the audit log. A lookup
// that goes to the database is audited twice: its intent, committed before the call (no
// intent, no call), and its outcome. If an entry cannot be written the caller gets 503
// and no data.
// Plain C++ (no HTTP server types) so that the whole flow is tested without sockets.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/core/audit/audit_log.hpp"
#include "gateway/core/audit/digest.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/flows/citizen/citizen_config.hpp"
#include "gateway/flows/citizen/enumeration_guard.hpp"
#include "gateway/flows/citizen/in_flight_limits.hpp"
#include "gateway/flows/citizen/population_lookup.hpp"
#include "gateway/flows/citizen/rate_limiter.hpp"
#include "gateway/flows/citizen/repeat_watch.hpp"
#include "gateway/flows/citizen/unknown_callers.hpp"

namespace lienthong::citizen {

struct HttpReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// The audit result of one entry summing up an unknown caller's refusals in one window.
inline constexpr char kRefusalsAggregated[] = "refusals_aggregated";
// The audit result of a request to the lookup route the server refused before the handler.
inline constexpr char kRefusedBeforeHandler[] = "refused_before_handler";

// What the lookup ended in; one audit result, one metric label.
struct LookupEvent {
  std::string result;
  std::string account;        // "-" when unknown
  std::string purpose = "-";  // a configured purpose's name, "-" when none or unknown
  bool newly_flagged = false;
  bool repeated_subject = false;  // a found lookup beyond the repeat threshold
};

class LookupService {
 public:
  LookupService(CitizenLookupConfig config, population::PopulationRegistry& registry, audit::AuditLog& audit,
                const Clock& clock);
  // Writes the refusals of unknown callers counted but not yet recorded.
  ~LookupService();
  LookupService(const LookupService&) = delete;
  LookupService& operator=(const LookupService&) = delete;

  HttpReply handle(const CallerCredentials& caller, std::string_view body);

  // Rebuilds the enumeration guard from the audit log's recent entries, so that a
  // restart neither lifts a flag nor forgets misses; returns how many accounts are
  // flagged now. Called once at start-up, before the first lookup.
  Result<size_t> restore_enumeration_state();
  // How many audit entries the last restore read (entries of unknown callers are skipped).
  size_t replayed_entries() const { return replayed_; }

  // Called once per lookup after the audit entry is written (metrics).
  void set_observer(std::function<void(const LookupEvent&)> observer) { observer_ = std::move(observer); }
  // Where known dossiers are read for citizen_lookup.dossier_check; without one, nothing
  // is checked.
  void set_dossier_source(DossierSource source) { dossiers_ = std::move(source); }
  const CitizenLookupConfig& config() const { return config_; }

  // A request to the lookup route that the server refused before the handler (405, 413):
  // counted with the unknown callers' refusals of its source, so that only the first in
  // a window is audited (result refused_before_handler) and the rest are summed.
  void record_early_refusal(const std::string& source_address, int status);

  // Appends one entry per unknown caller whose refusals in an ended window (every window
  // with `all`) were counted without being audited one by one. Called before each lookup,
  // and with `all` when the service ends.
  void write_refusal_tallies(bool all);

 private:
  CitizenLookupConfig config_;
  population::PopulationRegistry& registry_;
  audit::AuditLog& audit_;
  const Clock& clock_;
  audit::Pseudonymiser pseudonymiser_;
  RateLimiter rate_limiter_;
  EnumerationGuard enumeration_;
  InFlightLimits in_flight_;
  RepeatWatch repeat_;
  UnknownCallerGate unknown_callers_;
  std::function<void(const LookupEvent&)> observer_;
  DossierSource dossiers_;
  size_t replayed_ = 0;
};

}  // namespace lienthong::citizen
