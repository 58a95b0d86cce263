// The store behind an interface. Modules write portable SQL with `?` placeholders
// (SQLite and PostgreSQL both accept ON CONFLICT upserts) and register their own
// versioned migrations; the backend is chosen in config.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "gateway/core/common/result.hpp"

namespace lienthong {
class ConfigNode;
}

namespace lienthong::store {

// A parameter or a column. std::string_view is for parameters: the text is bound where it
// lies, without a copy (a page's event and message payloads are kilobytes each), so it must
// outlive the exec()/query() call, as it does when the view is made in the call's own
// argument list. A std::string parameter is bound from the Params' own copy. Columns read
// back are always std::string.
using Value = std::variant<std::nullptr_t, int64_t, double, std::string, std::string_view>;
using Params = std::vector<Value>;

struct Row {
  std::vector<Value> cols;
  bool is_null(size_t i) const { return std::holds_alternative<std::nullptr_t>(cols.at(i)); }
  int64_t i64(size_t i) const;  // NULL reads as 0
  double f64(size_t i) const;
  std::string str(size_t i) const;  // NULL reads as ""
  // As str(), moving a text column out instead of copying it (the row keeps an empty one).
  std::string take_str(size_t i);
};
using Rows = std::vector<Row>;

// One schema step of one module. Versions of a module apply in order, each once.
struct Migration {
  std::string module;
  int version = 0;
  std::string sql;  // may hold several statements separated by ';'
};

// A lock held across every process sharing the store, released when destroyed.
class NamedLock {
 public:
  virtual ~NamedLock() = default;
};

class Database {
 public:
  virtual ~Database() = default;
  virtual std::string_view backend() const = 0;

  // Runs a statement; returns the number of rows changed.
  virtual Result<int64_t> exec(std::string_view sql, const Params& params = {}) = 0;
  // Runs an INSERT of one row; returns the id (INTEGER PRIMARY KEY) of the row it inserted,
  // or 0 when it inserted none (ON CONFLICT DO NOTHING). Spares reading the id back through
  // an index (RETURNING costs SQLite more than the insert itself).
  virtual Result<int64_t> insert(std::string_view sql, const Params& params = {}) = 0;
  virtual Result<Rows> query(std::string_view sql, const Params& params = {}) = 0;
  // Runs `fn` in one transaction: commit when it returns ok, roll back otherwise.
  // A transaction() inside another joins the outer one. Other threads wait.
  virtual Status transaction(const std::function<Status()>& fn) = 0;
  // Applies the migrations not yet applied (tracked in schema_migrations).
  virtual Status migrate(const std::vector<Migration>& migrations) = 0;
  // Bytes the store occupies on disk (for the high-water mark), -1 when unknown.
  virtual int64_t size_bytes() = 0;
  // Bytes of the write-ahead log not yet checkpointed into the database file (SQLite's
  // -wal file); -1 where the backend has none to report (PostgreSQL's WAL is the server's).
  virtual int64_t wal_bytes() { return -1; }
  // Takes the lock `name` if no one (this process or another sharing the store) holds
  // it; nullptr when someone does. PostgreSQL: a session advisory lock, for several gateway
  // instances on one database. SQLite: the store belongs to one process; always granted.
  virtual Result<std::unique_ptr<NamedLock>> try_lock(std::string_view name) {
    (void)name;
    return std::make_unique<NamedLock>();
  }
};

struct SqliteOptions {
  std::string path;                    // ":memory:" for tests
  bool wal = true;                     // WAL journal by default
  std::string synchronous = "NORMAL";  // NORMAL in WAL is durable against process crashes
  int busy_timeout_ms = 5000;
  // WAL checkpoints from a background thread instead of inside the committing
  // transaction (see Checkpointer in sqlite_database.cpp). Durability is unchanged.
  bool background_checkpoint = true;
  int checkpoint_pages = 1000;  // WAL length (pages) that wakes the checkpointer
  // Past this WAL length the writer restarts the WAL itself; 0: 8 × checkpoint_pages.
  int checkpoint_hard_limit_pages = 0;
  // Page size of a new database file (an existing one keeps its own). Events and outbox
  // payloads are JSON of one to a few KB: with 4 KB pages a pulled page of them needed
  // twice the WAL frames (a write call each), and the indexes twice the pages.
  int page_size = 8192;
};

Result<std::unique_ptr<Database>> open_sqlite(const SqliteOptions& options);

struct PostgresOptions {
  // libpq connection string or URI. A secret (it may hold a password): never logged.
  std::string conninfo;
  int connect_timeout_seconds = 10;
};

Result<std::unique_ptr<Database>> open_postgresql(const PostgresOptions& options);

// Validates the store section of the config without opening anything (`config check`):
// {"backend": "sqlite", "path": "..."} or
// {"backend": "postgresql", "postgresql": {"conninfo": {"env": "VAR"}}}.
// Throws ConfigError naming the key.
void check_config(const ConfigNode& store_section);

// Opens the store section of the config. Throws ConfigError for a bad section or a store
// that cannot be opened.
std::unique_ptr<Database> open_from_config(const ConfigNode& store_section);

}  // namespace lienthong::store
