// What the store's administration needs beyond database.hpp: opening only an existing
// store, the store.migrate setting, naming the store in messages, SQLite's online backup.
#pragma once

#include <memory>
#include <string>

#include "gateway/core/store/database.hpp"

namespace lienthong::store {

// kCreate: a new SQLite file (and its folder) is made if missing (serve, sync, store
// migrate). kExisting: the store must exist (every other command); nothing is created.
enum class OpenMode { kCreate, kExisting };

// As open_from_config(section), with kExisting refusing a missing SQLite file with an
// error naming its path. Throws ConfigError.
std::unique_ptr<Database> open_from_config(const ConfigNode& store_section, OpenMode mode);

// As open_sqlite, but the file must exist already.
Result<std::unique_ptr<Database>> open_existing_sqlite(const SqliteOptions& options);

// store.migrate: "auto" (default: serve and sync apply pending migrations at start-up) or
// "manual" (they refuse to start until `lienthong store migrate` ran).
bool migrates_automatically(const ConfigNode& store_section);

// "the SQLite store at PATH" or "the PostgreSQL store (...)", for messages.
std::string describe(const ConfigNode& store_section);

// The SQLite file of the section; empty with backend postgresql.
std::string sqlite_path(const ConfigNode& store_section);

// A consistent copy of a SQLite store in the new file `dest` (which must not exist),
// taken while other connections keep writing (SQLite's online backup API, one read
// transaction: in WAL mode writers are not held up). An error for another backend.
Status backup_sqlite(Database& db, const std::string& dest);

}  // namespace lienthong::store
