#include "storage/migrate.h"

#include <gtest/gtest.h>

#include "storage/test_db.h"

namespace voronka::storage {
namespace {

TEST(Migrate, NewDatabaseReachesLatestOnceAndStaysThere) {
  TestDb t(false);
  EXPECT_EQ(CurrentSchemaVersion(t.db()), 0);
  auto first = Migrate(t.db(), 1);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.value(), LatestSchemaVersion());
  EXPECT_EQ(CurrentSchemaVersion(t.db()), LatestSchemaVersion());
  auto again = Migrate(t.db(), 2);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value(), 0);
  // The schema works: a deal can be written and read back.
  auto tx = t.db().Begin(TxMode::kWrite);
  tx->Exec("INSERT INTO deals (created_at, updated_at, title, pipeline, stage) VALUES (1, 1, 'x', 'p', 's')");
  tx->Commit();
  auto rtx = t.db().Begin(TxMode::kRead);
  EXPECT_EQ(rtx->Query("SELECT count(*) FROM deals")[0].Int(0), 1);
}

TEST(Migrate, RefusesANewerSchemaAndChangesNothing) {
  TestDb t;
  {
    auto tx = t.db().Begin(TxMode::kWrite);
    tx->Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 0)",
             {int64_t(LatestSchemaVersion() + 1)});
    tx->Commit();
  }
  auto r = Migrate(t.db(), 5);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kConflict);
  EXPECT_NE(r.error().message.find("newer than this voronka build"), std::string::npos);
}

TEST(Migrate, PlaceholdersAreRenderedPerEngine) {
  std::string sql = "CREATE TABLE t (id {{ID}}, doc {{JSON}})";
  EXPECT_EQ(RenderMigration(sql, Dialect::kSqlite), "CREATE TABLE t (id INTEGER PRIMARY KEY, doc TEXT)");
  EXPECT_EQ(RenderMigration(sql, Dialect::kPostgres), "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, doc JSONB)");
}

TEST(Database, UncommittedWriteIsRolledBack) {
  TestDb t;
  {
    auto tx = t.db().Begin(TxMode::kWrite);
    tx->Exec("INSERT INTO teams (created_at, updated_at, name) VALUES (1, 1, 'gone')");
  }
  auto tx = t.db().Begin(TxMode::kRead);
  EXPECT_EQ(tx->Query("SELECT count(*) FROM teams")[0].Int(0), 0);
}

TEST(Database, UniqueViolationIsTyped) {
  TestDb t;
  auto tx = t.db().Begin(TxMode::kWrite);
  tx->Exec("INSERT INTO users (created_at, updated_at, email, name, role) VALUES (1, 1, 'a@b.ru', 'A', 'admin')");
  try {
    tx->Exec("INSERT INTO users (created_at, updated_at, email, name, role) VALUES (1, 1, 'a@b.ru', 'B', 'admin')");
    FAIL() << "expected a unique violation";
  } catch (const DbError& e) {
    EXPECT_EQ(e.kind(), DbError::Kind::kUnique);
  }
}

TEST(Database, CommittedWritesSurviveReopen) {
  TestDb t;
  {
    auto tx = t.db().Begin(TxMode::kWrite);
    tx->Exec("INSERT INTO teams (created_at, updated_at, name) VALUES (1, 1, 'kept')");
    tx->Commit();
  }
  t.Reopen();
  auto tx = t.db().Begin(TxMode::kRead);
  EXPECT_EQ(tx->Query("SELECT name FROM teams")[0].Text(0), "kept");
}

}  // namespace
}  // namespace voronka::storage
