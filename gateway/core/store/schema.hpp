// Where a store's schema stands against the migrations this binary knows: what
// `store status` prints, what read-only commands and `store.migrate: manual` require, and
// the refusal of a store written by a newer binary.
#pragma once

#include <string>
#include <vector>

#include "gateway/core/store/database.hpp"

namespace lienthong::store {

struct ModuleSchema {
  std::string module;
  int64_t applied = 0;  // highest version applied in the store, 0: none
  int64_t known = 0;    // highest version this binary has, 0: a module it does not know
  int pending = 0;      // migrations of this binary not applied yet
};

// Every module either side knows, by name. A store without schema_migrations (new, empty)
// has every migration pending.
Result<std::vector<ModuleSchema>> schema_status(Database& db, const std::vector<Migration>& known);

// An error naming the module and both versions when the store's schema is newer than this
// binary's (a newer lienthong migrated it; running an older one could corrupt it).
Status refuse_newer(const std::vector<ModuleSchema>& status, const std::string& store_name);

// Total pending migrations.
int pending_count(const std::vector<ModuleSchema>& status);

}  // namespace lienthong::store
