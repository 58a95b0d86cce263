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

}  // namespace lienthong::store
