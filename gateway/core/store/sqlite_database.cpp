#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "gateway/core/store/admin.hpp"
#include "gateway/core/store/database.hpp"
#include "gateway/core/store/transaction_timer.hpp"

namespace lienthong::store {

int64_t Row::i64(size_t i) const {
  const Value& v = cols.at(i);
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
  if (auto p = std::get_if<std::string>(&v)) return std::strtoll(p->c_str(), nullptr, 10);
  if (auto p = std::get_if<std::string_view>(&v)) return std::strtoll(std::string(*p).c_str(), nullptr, 10);
  return 0;
}

double Row::f64(size_t i) const {
  const Value& v = cols.at(i);
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  if (auto p = std::get_if<std::string>(&v)) return std::strtod(p->c_str(), nullptr);
  if (auto p = std::get_if<std::string_view>(&v)) return std::strtod(std::string(*p).c_str(), nullptr);
  return 0;
}

std::string Row::str(size_t i) const {
  const Value& v = cols.at(i);
  if (auto p = std::get_if<std::string>(&v)) return *p;
  if (auto p = std::get_if<std::string_view>(&v)) return std::string(*p);
  if (auto p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto p = std::get_if<double>(&v)) return std::to_string(*p);
  return "";
}

std::string Row::take_str(size_t i) {
  if (auto p = std::get_if<std::string>(&cols.at(i))) return std::move(*p);
  return str(i);
}

namespace {

// WAL checkpoints on a thread and a connection of their own. SQLite's automatic
// checkpoint runs inside the COMMIT that crosses the threshold: that commit copies the
// WAL's pages into the database file and waits for two fsyncs, while every writer queues
// behind it. Here the committing connection only notes the WAL's length (wal hook) and
// wakes this thread, which runs a PASSIVE checkpoint concurrently with later writers.
// Under steady writes a PASSIVE checkpoint never catches up with the last commit, so the
// WAL is never restarted and grows without bound: once it reaches `hard_limit_frames`
// the committing connection waits for a running background checkpoint and restarts the
// WAL itself (most pages are copied by then), without a busy timeout so that a long
// reader in another process degrades it to a PASSIVE one instead of stalling the writer.
class Checkpointer {
 public:
  Checkpointer(std::string path, int threshold_frames, int hard_limit_frames, int writer_busy_timeout_ms)
      : path_(std::move(path)),
        threshold_(threshold_frames),
        hard_limit_(hard_limit_frames),
        writer_busy_timeout_ms_(writer_busy_timeout_ms) {}
  ~Checkpointer() { stop(); }

  bool start() {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      sqlite3_close_v2(db_);
      db_ = nullptr;
      return false;
    }
    sqlite3_busy_timeout(db_, 1000);
    thread_ = std::thread([this] { loop(); });
    return true;
  }

  void stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (db_) sqlite3_close_v2(db_);
    db_ = nullptr;
  }

  // Installed as the main connection's wal hook (replaces the automatic checkpoint).
  static int on_commit(void* self, sqlite3* db, const char* schema, int frames) {
    auto* c = static_cast<Checkpointer*>(self);
    if (frames >= c->hard_limit_) {
      std::lock_guard running(c->run_mu_);
      sqlite3_busy_timeout(db, 0);
      sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
      sqlite3_busy_timeout(db, c->writer_busy_timeout_ms_);
    } else if (frames >= c->threshold_ && !c->wanted_.exchange(true)) {
      // Taking the mutex orders this with the thread's predicate check: no lost wake-up.
      { std::lock_guard lock(c->mu_); }
      c->cv_.notify_one();
    }
    return SQLITE_OK;
  }

 private:
  void loop() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return stopping_ || wanted_.load(); });
      if (stopping_) return;
      lock.unlock();
      // Cleared before the checkpoint: frames committed meanwhile ask for another pass.
      wanted_ = false;
      {
        std::lock_guard running(run_mu_);
        // A connection that has not read the database yet does not know it is in WAL
        // mode, and a checkpoint then silently does nothing: read the schema first.
        sqlite3_exec(db_, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
        sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      }
      lock.lock();
    }
  }

  std::string path_;
  int threshold_, hard_limit_, writer_busy_timeout_ms_;
  sqlite3* db_ = nullptr;
  std::thread thread_;
  std::mutex mu_;
  std::mutex run_mu_;  // held while a checkpoint of either connection runs
  std::condition_variable cv_;
  bool stopping_ = false;
  std::atomic<bool> wanted_{false};
};

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(sqlite3* db, std::string path, std::unique_ptr<Checkpointer> checkpointer)
      : db_(db), path_(std::move(path)), checkpointer_(std::move(checkpointer)) {
    if (checkpointer_) sqlite3_wal_hook(db_, &Checkpointer::on_commit, checkpointer_.get());
  }
  ~SqliteDatabase() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    if (checkpointer_) {
      checkpointer_->stop();
      sqlite3_wal_hook(db_, nullptr, nullptr);
    }
    // Closing the last connection checkpoints the whole WAL and removes it.
    sqlite3_close_v2(db_);
  }

  std::string_view backend() const override { return "sqlite"; }

  Result<int64_t> exec(std::string_view sql, const Params& params) override {
    std::lock_guard lock(mu_);
    LT_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, prepare(sql, params));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) return fail("exec", sql, rc);
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

  Result<int64_t> insert(std::string_view sql, const Params& params) override {
    std::lock_guard lock(mu_);
    LT_ASSIGN_OR_RETURN(int64_t changed, exec(sql, params));
    // Read under the same lock as the insert: no other statement of this connection ran.
    return changed > 0 ? static_cast<int64_t>(sqlite3_last_insert_rowid(db_)) : int64_t{0};
  }

  Result<Rows> query(std::string_view sql, const Params& params) override {
    std::lock_guard lock(mu_);
    LT_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, prepare(sql, params));
    Rows rows;
    int rc;
    int ncol = sqlite3_column_count(stmt);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      Row row;
      row.cols.reserve(static_cast<size_t>(ncol));
      for (int c = 0; c < ncol; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_NULL:
            row.cols.emplace_back(nullptr);
            break;
          case SQLITE_INTEGER:
            row.cols.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c)));
            break;
          case SQLITE_FLOAT:
            row.cols.emplace_back(sqlite3_column_double(stmt, c));
            break;
          default: {
            const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, c));
            int n = sqlite3_column_bytes(stmt, c);
            row.cols.emplace_back(std::string(p ? p : "", static_cast<size_t>(n)));
          }
        }
      }
      rows.push_back(std::move(row));
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) return fail("query", sql, rc);
    return rows;
  }

  Status transaction(const std::function<Status()>& fn) override {
    std::unique_lock lock(mu_);
    if (depth_ > 0) {
      ++depth_;
      Status s = fn();
      --depth_;
      return s;
    }
    static metrics::Histogram& seconds = transaction_histogram("sqlite");
    TransactionTimer timer(seconds);
    if (int rc = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr); rc != SQLITE_OK) {
      return fail("begin transaction", "BEGIN", rc);
    }
    ++depth_;
    Status s;
    try {
      s = fn();
    } catch (...) {
      --depth_;
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
    --depth_;
    if (!s.ok()) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return s;
    }
    if (int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr); rc != SQLITE_OK) {
      Error e = fail("commit", "COMMIT", rc);
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return e;
    }
    return {};
  }

  Status migrate(const std::vector<Migration>& migrations) override {
    LT_TRY(
        exec("CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, "
             "applied_at TEXT NOT NULL DEFAULT (datetime('now')), PRIMARY KEY (module, version))",
             {}));
    std::map<std::pair<std::string, int>, const Migration*> ordered;
    for (auto& m : migrations) ordered[{m.module, m.version}] = &m;
    for (auto& entry : ordered) {
      const Migration* m = entry.second;  // not a structured binding: clang 14 cannot capture those
      LT_ASSIGN_OR_RETURN(Rows done, query("SELECT 1 FROM schema_migrations WHERE module = ? AND version = ?",
                                           {m->module, static_cast<int64_t>(m->version)}));
      if (!done.empty()) continue;
      Status s = transaction([&]() -> Status {
        std::lock_guard lock(mu_);
        char* err = nullptr;
        if (sqlite3_exec(db_, m->sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
          std::string msg = err ? err : "unknown error";
          sqlite3_free(err);
          return Error(ErrorKind::kStore,
                       "migration " + m->module + " v" + std::to_string(m->version) + " failed: " + msg);
        }
        return exec("INSERT INTO schema_migrations (module, version) VALUES (?, ?)",
                    {m->module, static_cast<int64_t>(m->version)})
                       .ok()
                   ? Status{}
                   : Status(Error(ErrorKind::kStore, "cannot record migration"));
      });
      LT_TRY(s);
    }
    return {};
  }

  Status backup_to(const std::string& dest) {
    std::error_code ec;
    if (std::filesystem::exists(dest, ec))
      return Error(ErrorKind::kStore, "backup destination " + dest + " exists already; give a new file name");
    sqlite3* out = nullptr;
    if (int rc = sqlite3_open_v2(dest.c_str(), &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
        rc != SQLITE_OK) {
      std::string msg = out ? sqlite3_errmsg(out) : "out of memory";
      sqlite3_close_v2(out);
      return Error(ErrorKind::kStore, "cannot create backup file " + dest + ": " + msg);
    }
    // All pages in one step: one read transaction, which in WAL mode does not hold up
    // the writers of a running `serve` (stepping in parts would restart the copy at each
    // of their commits). The copy is the state as of the step's start.
    sqlite3_backup* b = sqlite3_backup_init(out, "main", db_, "main");
    if (!b) {
      std::string msg = sqlite3_errmsg(out);
      sqlite3_close_v2(out);
      std::filesystem::remove(dest, ec);
      return Error(ErrorKind::kStore, "cannot start the backup to " + dest + ": " + msg);
    }
    int rc;
    for (int attempt = 0;; ++attempt) {
      {
        std::lock_guard lock(mu_);
        rc = sqlite3_backup_step(b, -1);
      }
      if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || attempt == 100) break;
      sqlite3_sleep(50);
    }
    sqlite3_backup_finish(b);
    std::string msg = sqlite3_errmsg(out);
    int close_rc = sqlite3_close_v2(out);
    if (rc != SQLITE_DONE || close_rc != SQLITE_OK) {
      std::filesystem::remove(dest, ec);
      return Error(ErrorKind::kStore, "backup to " + dest + " failed: " + msg);
    }
    return {};
  }

  int64_t wal_bytes() override {
    if (path_ == ":memory:") return -1;
    std::error_code ec;
    auto sz = std::filesystem::file_size(path_ + "-wal", ec);
    return ec ? 0 : static_cast<int64_t>(sz);
  }

  int64_t size_bytes() override {
    if (path_ == ":memory:") return 0;
    std::error_code ec;
    int64_t total = 0;
    for (const char* suffix : {"", "-wal"}) {
      auto sz = std::filesystem::file_size(path_ + suffix, ec);
      if (!ec) total += static_cast<int64_t>(sz);
    }
    return total;
  }

 private:
  Result<sqlite3_stmt*> prepare(std::string_view sql, const Params& params) {
    sqlite3_stmt* stmt = nullptr;
    auto it = cache_.find(sql);  // heterogeneous: no copy of the SQL text per call
    if (it != cache_.end()) {
      stmt = it->second;
    } else {
      int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
      if (rc != SQLITE_OK) return fail("prepare", sql, rc);
      cache_.emplace(std::string(sql), stmt);
    }
    sqlite3_clear_bindings(stmt);
    int expected = sqlite3_bind_parameter_count(stmt);
    if (expected != static_cast<int>(params.size())) {
      return Error(ErrorKind::kInternal, "SQL expects " + std::to_string(expected) + " parameters, got " +
                                             std::to_string(params.size()) + ": " + std::string(sql));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i) + 1;
      std::visit(
          [&](auto&& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>) {
              sqlite3_bind_null(stmt, idx);
            } else if constexpr (std::is_same_v<T, int64_t>) {
              sqlite3_bind_int64(stmt, idx, v);
            } else if constexpr (std::is_same_v<T, double>) {
              sqlite3_bind_double(stmt, idx, v);
            } else {
              // std::string or std::string_view. SQLITE_STATIC: `params` (and the text a
              // view points at) outlives every step of this call, and the binding is
              // replaced before the statement runs again; no copy of payloads.
              sqlite3_bind_text(stmt, idx, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
            }
          },
          params[i]);
    }
    return stmt;
  }

  Error fail(std::string_view what, std::string_view sql, int rc) {
    ErrorKind kind = (rc == SQLITE_BUSY || rc == SQLITE_LOCKED || rc == SQLITE_FULL || rc == SQLITE_IOERR)
                         ? ErrorKind::kStore
                         : (rc == SQLITE_CONSTRAINT ? ErrorKind::kConflict : ErrorKind::kStore);
    std::string s(sql.substr(0, 120));
    return Error(kind, "sqlite " + std::string(what) + " failed (" + sqlite3_errmsg(db_) + ") in: " + s);
  }

  sqlite3* db_;
  std::string path_;
  std::recursive_mutex mu_;
  int depth_ = 0;
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> cache_;
  std::unique_ptr<Checkpointer> checkpointer_;
};

}  // namespace

namespace {

Result<std::unique_ptr<Database>> open_sqlite_file(const SqliteOptions& o, bool create) {
  if (o.path != ":memory:" && create) {
    auto parent = std::filesystem::path(o.path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }
  if (o.path != ":memory:" && !create) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(o.path, ec))
      return Error(ErrorKind::kStore, "no SQLite store at " + o.path +
                                          " (this command does not create one: check store.path; `lienthong "
                                          "serve`, `sync` or `store migrate` create it)");
  }
  sqlite3* db = nullptr;
  // NOMUTEX: every use of the connection is already serialised by SqliteDatabase::mu_
  // (the wal hook runs inside a commit, under it too); SQLite's own mutex would be taken
  // again on each of the dozen calls (bind, step, reset, ...) of every statement.
  int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  if (int rc = sqlite3_open_v2(o.path.c_str(), &db, flags, nullptr); rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Error(ErrorKind::kStore, "cannot open SQLite store at " + o.path + ": " + msg +
                                        " (check the directory exists and is writable)");
  }
  sqlite3_busy_timeout(db, o.busy_timeout_ms);
  // Before journal_mode: a WAL database's page size cannot change any more.
  std::string pragmas = "PRAGMA page_size=" + std::to_string(o.page_size) + ";PRAGMA foreign_keys=ON;";
  if (o.wal && o.path != ":memory:") pragmas += "PRAGMA journal_mode=WAL;";
  pragmas += "PRAGMA synchronous=" + o.synchronous + ";";
  // A pulled page (events + outbox messages + indexes) dirties megabytes in one
  // transaction; with SQLite's default 2 MB page cache the dirty pages spilled into the
  // WAL mid-transaction and were written again when touched again. 32 MB is an upper
  // bound, only used as pages are read or dirtied.
  pragmas += "PRAGMA cache_size=-32768;PRAGMA temp_store=MEMORY;";
  char* err = nullptr;
  if (sqlite3_exec(db, pragmas.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "?";
    sqlite3_free(err);
    sqlite3_close_v2(db);
    return Error(ErrorKind::kStore, "cannot configure SQLite store at " + o.path + ": " + msg);
  }
  std::unique_ptr<Checkpointer> checkpointer;
  if (o.wal && o.path != ":memory:" && o.background_checkpoint) {
    int pages = std::max(1, o.checkpoint_pages);
    int hard = o.checkpoint_hard_limit_pages > 0 ? o.checkpoint_hard_limit_pages : 8 * pages;
    checkpointer = std::make_unique<Checkpointer>(o.path, pages, hard, o.busy_timeout_ms);
    if (!checkpointer->start()) checkpointer.reset();  // SQLite's own automatic checkpoint stays
  }
  return std::unique_ptr<Database>(new SqliteDatabase(db, o.path, std::move(checkpointer)));
}

}  // namespace

Result<std::unique_ptr<Database>> open_sqlite(const SqliteOptions& o) {
  return open_sqlite_file(o, true);
}

Result<std::unique_ptr<Database>> open_existing_sqlite(const SqliteOptions& o) {
  return open_sqlite_file(o, false);
}

Status backup_sqlite(Database& db, const std::string& dest) {
  auto* sqlite = dynamic_cast<SqliteDatabase*>(&db);
  if (!sqlite)
    return Error(ErrorKind::kStore,
                 "no built-in backup for the " + std::string(db.backend()) + " store (PostgreSQL: pg_dump)");
  return sqlite->backup_to(dest);
}

}  // namespace lienthong::store
