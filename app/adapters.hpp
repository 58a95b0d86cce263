// The adapters the gateway knows, registered by name in one place (adapters.cpp), as
// userver's main appends components: no static self-registration. A duplicate name is a
// start-up error. Each adapter validates its own section of the "adapters" config.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/config/config.hpp"
#include "gateway/core/dossiers/event_destination.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/runtime/runtime.hpp"
#include "gateway/flows/citizen/population_lookup.hpp"
#include "gateway/flows/sync/source.hpp"
#include "gateway/flows/sync/target.hpp"

namespace lienthong::app {

struct SourceAdapter {
  std::string name;
  void (*validate)(const ConfigNode&);
  std::unique_ptr<sync::Source> (*make)(const ConfigNode&, const Clock&);
};

struct TargetAdapter {
  std::string name;
  void (*validate)(const ConfigNode&);
  std::unique_ptr<sync::SyncTarget> (*make)(const ConfigNode&, const Clock&, dossiers::Quarantine*);
};

// The population database the citizen flow asks (its interface:
// gateway/flows/citizen/population_lookup.hpp), from section citizen_lookup.upstream.
struct PopulationAdapter {
  std::string name;
  void (*validate)(const ConfigNode&);
  std::unique_ptr<population::PopulationRegistry> (*make)(const ConfigNode&, const Clock&);
};

// Throw ConfigError on a duplicate name.
const std::vector<SourceAdapter>& source_adapters();
const std::vector<TargetAdapter>& target_adapters();
const PopulationAdapter& population_adapter();

// The "adapters" section: every key must name a registered adapter; each is validated.
void validate_adapters_section(const ConfigNode& section);

// Every destination adapter that has a section adapters.<name>, built once per runtime
// (rt.destinations) and shared by the flows that name it: the sync flow's targets and the
// webhook flow's destinations are the same objects, so both queue the same payload shape.
dossiers::EventDestinations& destination_adapters(Runtime& rt);
// Hands every built destination adapter to `dispatcher`, once, whichever flows name it
// (sync, webhooks or both); nothing when none was built.
void register_destination_adapters(Runtime& rt, outbox::Dispatcher& dispatcher);

}  // namespace lienthong::app
