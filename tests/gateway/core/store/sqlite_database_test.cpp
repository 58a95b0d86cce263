#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "gateway/core/store/database.hpp"

namespace lienthong::store {

static std::unique_ptr<Database> memory_db() {
  auto db = open_sqlite({.path = ":memory:"});
  EXPECT_TRUE(db.ok());
  return std::move(db).value();
}

TEST(SqliteDatabase, MigrationsApplyOnceInVersionOrder) {
  auto db = memory_db();
  std::vector<Migration> m = {{"t", 2, "ALTER TABLE items ADD COLUMN note TEXT"},
                              {"t", 1, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)"}};
  ASSERT_TRUE(db->migrate(m).ok());
  ASSERT_TRUE(db->migrate(m).ok());  // second time: nothing to do
  ASSERT_TRUE(db->exec("INSERT INTO items (name, note) VALUES (?, ?)", {std::string("a"), nullptr}).ok());
  auto rows = db->query("SELECT count(*) FROM schema_migrations WHERE module = 't'");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].i64(0), 2);
}

TEST(SqliteDatabase, FailedTransactionRollsBack) {
  auto db = memory_db();
  ASSERT_TRUE(db->exec("CREATE TABLE t (k TEXT PRIMARY KEY)").ok());
  Status s = db->transaction([&]() -> Status {
    LT_TRY(db->exec("INSERT INTO t VALUES (?)", {std::string("a")}));
    return Error(ErrorKind::kValidation, "stop");
  });
  EXPECT_FALSE(s.ok());
  auto rows = db->query("SELECT count(*) FROM t");
  EXPECT_EQ((*rows)[0].i64(0), 0);
}

TEST(SqliteDatabase, ConstraintViolationIsAConflict) {
  auto db = memory_db();
  ASSERT_TRUE(db->exec("CREATE TABLE t (k TEXT PRIMARY KEY)").ok());
  ASSERT_TRUE(db->exec("INSERT INTO t VALUES (?)", {std::string("a")}).ok());
  auto r = db->exec("INSERT INTO t VALUES (?)", {std::string("a")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kConflict);
}

TEST(SqliteDatabase, WalModeOnFile) {
  auto dir = std::filesystem::temp_directory_path() / ("lt_store_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto db = open_sqlite({.path = (dir / "x.db").string()});
  ASSERT_TRUE(db.ok());
  auto rows = (*db)->query("PRAGMA journal_mode");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].str(0), "wal");
  db = Error(ErrorKind::kInternal, "close");
  std::filesystem::remove_all(dir);
}

namespace {

// Commits `n` transactions of one 3 KB row each (about one WAL frame per row).
void write_rows(Database& db, int n) {
  ASSERT_TRUE(db.exec("CREATE TABLE IF NOT EXISTS blobs (id INTEGER PRIMARY KEY, b TEXT)").ok());
  for (int i = 0; i < n; ++i) {
    Status s = db.transaction([&]() -> Status {
      LT_TRY(
          db.exec("INSERT INTO blobs (b) VALUES (?)", {std::string(3000, static_cast<char>('a' + i % 26))}));
      return {};
    });
    ASSERT_TRUE(s.ok()) << s.error().message;
  }
}

std::filesystem::path scratch(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST(SqliteDatabase, BackgroundCheckpointerCopiesTheWalIntoTheDatabaseWhileTheStoreIsOpen) {
  auto dir = scratch("lt_ckpt_bg");
  std::string path = (dir / "x.db").string();
  // A hard limit out of reach: only the background thread can have checkpointed.
  auto db = open_sqlite({.path = path, .checkpoint_pages = 16, .checkpoint_hard_limit_pages = 1'000'000});
  ASSERT_TRUE(db.ok());
  write_rows(**db, 200);
  // The checkpointer runs on its own thread: wait (bounded) for the main file to hold the rows.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::filesystem::file_size(path) < 200 * 3000 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_GE(std::filesystem::file_size(path), 200u * 3000u) << "the WAL was never checkpointed";
  auto rows = (*db)->query("SELECT count(*) FROM blobs");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].i64(0), 200);
  db = Error(ErrorKind::kInternal, "close");
  std::filesystem::remove_all(dir);
}

TEST(SqliteDatabase, WalStaysBelowTheHardLimitWhenTheCheckpointerCannotRun) {
  auto dir = scratch("lt_ckpt_hard");
  std::string path = (dir / "x.db").string();
  // No background thread: the committer checkpoints at the hard limit instead of never.
  auto db = open_sqlite({.path = path, .background_checkpoint = false, .page_size = 4096});
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->exec("PRAGMA wal_autocheckpoint=0").ok());  // SQLite's own, off
  auto capped = open_sqlite({.path = (dir / "y.db").string(),
                             .checkpoint_pages = 1'000'000,
                             .checkpoint_hard_limit_pages = 32,
                             .page_size = 4096});
  ASSERT_TRUE(capped.ok());
  write_rows(**db, 300);
  write_rows(**capped, 300);
  auto wal = [&](const std::string& p) { return std::filesystem::file_size(p + "-wal"); };
  // Each commit adds a frame or two (data page + table page) of 4 KB + 24 bytes.
  EXPECT_GT(wal(path), 300u * 4096u) << "without any checkpoint the WAL holds every commit";
  EXPECT_LT(wal((dir / "y.db").string()), 40u * 4120u) << "the hard limit should have capped the WAL";
  db = Error(ErrorKind::kInternal, "close");
  capped = Error(ErrorKind::kInternal, "close");
  std::filesystem::remove_all(dir);
}

TEST(SqliteDatabase, NewFilesGetTheConfiguredPageSizeAndExistingOnesKeepTheirs) {
  auto dir = std::filesystem::temp_directory_path() / ("lt_store_page_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto page_size = [](Database& db) { return db.query("PRAGMA page_size").value().at(0).i64(0); };
  {
    auto db = open_sqlite({.path = (dir / "new.db").string()});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->exec("CREATE TABLE t (v TEXT)").ok());
    EXPECT_EQ(page_size(**db), 8192);
  }
  {
    auto old = open_sqlite({.path = (dir / "old.db").string(), .page_size = 4096});
    ASSERT_TRUE(old.ok());
    ASSERT_TRUE((*old)->exec("CREATE TABLE t (v TEXT)").ok());
    ASSERT_TRUE((*old)->exec("INSERT INTO t VALUES ('kept')").ok());
  }
  auto reopened = open_sqlite({.path = (dir / "old.db").string()});
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(page_size(**reopened), 4096);
  auto rows = (*reopened)->query("SELECT v FROM t");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].str(0), "kept");
  reopened = Error(ErrorKind::kInternal, "close");
  std::filesystem::remove_all(dir);
}

TEST(SqliteDatabase, TextGivenAsAViewIsBoundWhereItLiesAndReadBackWhole) {
  auto db = memory_db();
  ASSERT_TRUE(db->exec("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)").ok());
  std::string payload(5000, 'x');
  payload[17] = '\0';  // the view's length is bound, not a C string
  payload.back() = 'y';
  Params params{std::string_view("key"), std::string_view(payload)};
  // The parameter holds the caller's text itself, not a copy of it.
  ASSERT_TRUE(std::holds_alternative<std::string_view>(params[1]));
  EXPECT_EQ(std::get<std::string_view>(params[1]).data(), payload.data());
  ASSERT_TRUE(db->exec("INSERT INTO t VALUES (?, ?)", params).ok());
  auto rows = db->query("SELECT v, length(CAST(v AS BLOB)) FROM t WHERE k = ?", {std::string_view("key")});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].str(0), payload);
  EXPECT_EQ((*rows)[0].i64(1), 5000);
  // Text from a view and from a string are the same value for SQLite (one key).
  auto dup = db->exec("INSERT INTO t VALUES (?, ?)", {std::string("key"), std::string("other")});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().kind, ErrorKind::kConflict);
}

TEST(SqliteDatabase, TakeStrMovesATextColumnOutOfTheRow) {
  auto db = memory_db();
  auto rows = db->query("SELECT 'payload', 42");
  ASSERT_TRUE(rows.ok());
  Row& row = (*rows)[0];
  EXPECT_EQ(row.take_str(0), "payload");
  EXPECT_EQ(row.str(0), "");
  EXPECT_EQ(row.take_str(1), "42");  // not text: as str()
  EXPECT_EQ(row.i64(1), 42);
}

TEST(SqliteDatabase, InsertReturnsTheNewRowsIdOrZeroWhenNothingWasInserted) {
  auto db = memory_db();
  ASSERT_TRUE(db->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE)").ok());
  ASSERT_TRUE(db->exec("INSERT INTO t (id, k) VALUES (41, 'first')").ok());
  const char* sql = "INSERT INTO t (k) VALUES (?) ON CONFLICT (k) DO NOTHING";
  auto id = db->insert(sql, {std::string_view("second")});
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, 42);
  auto again = db->insert(sql, {std::string_view("second")});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);  // conflict: nothing inserted, not the previous insert's id
  Status in_tx = db->transaction([&]() -> Status {
    LT_ASSIGN_OR_RETURN(int64_t third, db->insert(sql, {std::string_view("third")}));
    EXPECT_EQ(third, 43);
    return {};
  });
  EXPECT_TRUE(in_tx.ok());
  auto bad = db->insert("INSERT INTO t (k) VALUES (?)", {std::string_view("third")});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kConflict);
}

TEST(SqliteDatabase, WrongParameterCountIsAnError) {
  auto db = memory_db();
  ASSERT_TRUE(db->exec("CREATE TABLE t (k TEXT)").ok());
  EXPECT_FALSE(db->exec("INSERT INTO t VALUES (?)", {}).ok());
}

TEST(SqliteDatabase, BackgroundCheckpointKeepsCommitsAndBoundsTheWal) {
  auto dir = std::filesystem::temp_directory_path() / ("lt_store_ckpt_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "x.db").string();
  constexpr int kCommits = 2000;
  {
    auto db =
        open_sqlite({.path = path, .background_checkpoint = true, .checkpoint_pages = 16, .page_size = 4096});
    ASSERT_TRUE(db.ok()) << db.error().message;
    ASSERT_TRUE((*db)->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").ok());
    for (int i = 0; i < kCommits; ++i) {
      Status st = (*db)->transaction([&]() -> Status {
        LT_TRY((*db)->exec("INSERT INTO t (v) VALUES (?)", {std::string(1000, 'x')}));
        return {};
      });
      ASSERT_TRUE(st.ok()) << st.error().message;
    }
    // Without checkpoints the WAL would hold every commit (> 8 MB); the writer restarts
    // it once it reaches 8 x checkpoint_pages, whatever the background thread managed.
    EXPECT_LT(std::filesystem::file_size(path + "-wal"), 1024u * 1024u);
    EXPECT_GT(std::filesystem::file_size(path), 1024u * 1024u);
  }
  auto again = open_sqlite({.path = path});
  ASSERT_TRUE(again.ok());
  auto rows = (*again)->query("SELECT count(*) FROM t");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].i64(0), kCommits);
  again = Error(ErrorKind::kInternal, "close");
  std::filesystem::remove_all(dir);
}

}  // namespace lienthong::store
