#include <gtest/gtest.h>

#include <filesystem>

#include "gateway/store/database.hpp"

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
    auto db = open_sqlite({.path = path, .background_checkpoint = true, .checkpoint_pages = 16});
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
