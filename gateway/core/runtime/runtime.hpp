// What every command shares: the validated config, the store with all migrations
// applied, the outbox and the clock.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/config/config.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/runtime/args.hpp"
#include "gateway/core/runtime/component.hpp"
#include "gateway/core/store/database.hpp"

namespace lienthong::dossiers {
class EventDestinations;
}

namespace lienthong::app {

struct Runtime {
  std::shared_ptr<ConfigFile> config;
  std::unique_ptr<store::Database> db;
  const Clock* clock = &SystemClock::instance();
  std::unique_ptr<outbox::Outbox> outbox;  // policy from the "outbox" section
  // The destination adapters (DVCQG, ...) built from the "adapters" section, once, on first
  // use (app/adapters.cpp: destination_adapters); the flows look up what they name.
  std::shared_ptr<dossiers::EventDestinations> destinations;
};

// The three functions below are defined in app/runtime.cpp (they need the component list).

// --config FILE, else $LIENTHONG_CONFIG, else ./lienthong.json.
std::string config_path(const Args& args);

// What `config check` found: every problem, each naming its key path (or file).
struct ConfigProblems {
  std::shared_ptr<ConfigFile> config;  // null when the file does not parse
  std::vector<std::string> problems;
};

// Validates the whole file as serve does before it listens: unknown top-level sections,
// every component's section, cross-checks, the folders of the store and the log file
// writable, the TLS material loaded. With build_components, also builds every component
// (except webhooks, whose construction opens its journal) against an in-memory store,
// which opens and parses every mapping file, code table, calendar and catalogue.
// Collects every problem instead of stopping at the first (within a section, its first).
ConfigProblems find_config_problems(const std::string& file, bool build_components);

// find_config_problems without building components; throws ConfigError listing them all.
std::shared_ptr<ConfigFile> check_config(const std::string& file);

// How a command uses the store. kMigrate (serve, sync, reconcile): created if missing,
// pending migrations applied when store.migrate is "auto" (refused when "manual").
// kExisting (every inspecting command): the store must exist; nothing is created or
// changed in its schema (pending migrations stay pending: `store status` lists them). Both refuse a store
// whose schema is newer than this binary's.
enum class StoreAccess { kMigrate, kExisting };

// check_config + logging + store opened (and migrated, see StoreAccess).
Runtime open_runtime(const std::string& file, StoreAccess access = StoreAccess::kMigrate);

// Every migration the components declare.
std::vector<store::Migration> all_migrations();

}  // namespace lienthong::app
