#include "storage/postgres/pg_db.h"

#include <gtest/gtest.h>

#include <thread>

#include "storage/test_db.h"

namespace voronka::storage {
namespace {

// The pg.* run of the storage tests (VORONKA_TEST_BACKEND=postgres) needs a cluster: without
// one every test is skipped, with the reason, instead of failing.
class PostgresEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    const char* cluster = std::getenv("VORONKA_TEST_PG");
    if (TestDb::UsingPostgres() && (!cluster || !*cluster))
      GTEST_SKIP() << "VORONKA_TEST_PG is not set: the PostgreSQL run of the storage tests needs a cluster; "
                      "run them with `make test` or tests/with_postgres.sh";
  }
};
[[maybe_unused]] const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);

#define REQUIRE_POSTGRES()      \
  if (!TestDb::UsingPostgres()) \
  GTEST_SKIP() << "PostgreSQL only: runs as pg." << ::testing::UnitTest::GetInstance()->current_test_info()->name()

TEST(PgPlaceholders, NumbersQuestionMarksOutsideQuotesAndComments) {
  EXPECT_EQ(PgPlaceholders("SELECT a FROM t WHERE b = ? AND c IN (?, ?)"),
            "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)");
  EXPECT_EQ(PgPlaceholders("SELECT '?', 'it''s ?', \"odd?name\" FROM t WHERE x = ?"),
            "SELECT '?', 'it''s ?', \"odd?name\" FROM t WHERE x = $1");
  EXPECT_EQ(PgPlaceholders("SELECT 1 -- why?\nWHERE y = ? /* and ? */ AND z LIKE ? ESCAPE '\\'"),
            "SELECT 1 -- why?\nWHERE y = $1 /* and ? */ AND z LIKE $2 ESCAPE '\\'");
  EXPECT_EQ(PgPlaceholders("SELECT 'unterminated ?"), "SELECT 'unterminated ?");
  EXPECT_EQ(PgPlaceholders(""), "");
}

TEST(PgUrl, PrefixesChooseTheEngineAndKeyValueFormLosesItsPrefix) {
  EXPECT_TRUE(IsPostgresUrl("postgresql://u@h:5432/db"));
  EXPECT_TRUE(IsPostgresUrl("postgres://u@h/db"));
  EXPECT_TRUE(IsPostgresUrl("postgres:host=/tmp/pg port=5433 dbname=x"));
  EXPECT_FALSE(IsPostgresUrl("voronka.db"));
  EXPECT_FALSE(IsPostgresUrl("sqlite:postgres.db"));
  EXPECT_EQ(PgConnInfo("postgresql://u@h:5432/db?sslmode=disable"), "postgresql://u@h:5432/db?sslmode=disable");
  EXPECT_EQ(PgConnInfo("postgres:host=/tmp/pg port=5433"), "host=/tmp/pg port=5433");
}

TEST(PgUrl, AServerThatIsNotThereIsUnavailable) {
  try {
    OpenDatabase("postgres:host=/nonexistent/voronka port=1 dbname=x connect_timeout=2");
    FAIL() << "expected DbError";
  } catch (const DbError& e) {
    EXPECT_EQ(e.kind(), DbError::Kind::kUnavailable);
    EXPECT_NE(std::string(e.what()).find("PostgreSQL is unavailable"), std::string::npos) << e.what();
  }
}

TEST(PgDatabase, ValuesComeBackAsTheSameTypesAsFromSqlite) {
  REQUIRE_POSTGRES();
  TestDb t;
  auto tx = t.db().Begin(TxMode::kWrite);
  tx->ExecScript("CREATE TABLE kinds (i INTEGER, b BIGINT, d DOUBLE PRECISION, s TEXT, j JSONB)");
  tx->Exec("INSERT INTO kinds VALUES (?, ?, ?, ?, ?)",
           {int64_t(7), int64_t(1) << 40, 2.5, std::string("Привет ?"), std::string(R"(["+79161234567","a@b.ru"])")});
  tx->Exec("INSERT INTO kinds VALUES (?, ?, ?, ?, ?)", {Null(), Null(), Null(), Null(), Null()});
  auto rows = tx->Query("SELECT i, b, d, s, j, i = 7, SUM(b) OVER (), COUNT(*) OVER () FROM kinds ORDER BY i");
  ASSERT_EQ(rows.size(), 2u);
  const Row& r = rows[0];
  EXPECT_EQ(std::get<int64_t>(r.values[0]), 7);
  EXPECT_EQ(std::get<int64_t>(r.values[1]), int64_t(1) << 40);
  EXPECT_EQ(std::get<double>(r.values[2]), 2.5);
  EXPECT_EQ(std::get<std::string>(r.values[3]), "Привет ?");
  EXPECT_EQ(std::get<std::string>(r.values[4]), R"(["+79161234567","a@b.ru"])");  // compact, as stored
  EXPECT_EQ(std::get<int64_t>(r.values[5]), 1);                                   // bool → 0/1
  EXPECT_EQ(std::get<int64_t>(r.values[6]), int64_t(1) << 40);                    // numeric, integral
  EXPECT_EQ(std::get<int64_t>(r.values[7]), 2);
  for (size_t i = 0; i < 5; ++i) EXPECT_TRUE(rows[1].IsNull(i)) << i;
  EXPECT_EQ(rows.columns[3], "s");
}

TEST(PgDatabase, ReadTransactionsAreReadOnlySnapshots) {
  REQUIRE_POSTGRES();
  TestDb t;
  auto read = t.db().Begin(TxMode::kRead);
  EXPECT_EQ(read->Query("SELECT count(*) FROM teams")[0].Int(0), 0);
  {
    auto w = t.db().Begin(TxMode::kWrite);
    w->Exec("INSERT INTO teams (created_at, updated_at, name) VALUES (1, 1, 'later')");
    w->Commit();
  }
  EXPECT_EQ(read->Query("SELECT count(*) FROM teams")[0].Int(0), 0);
  EXPECT_THROW(read->Exec("INSERT INTO teams (created_at, updated_at, name) VALUES (1, 1, 'x')"), DbError);
}

// Two writers insert the same key at once: the loser's unique violation makes Write run it
// again, and the second run sees the winner's row instead of failing.
TEST(PgDatabase, WriteRunsAgainAfterAConcurrentInsertOfTheSameKey) {
  REQUIRE_POSTGRES();
  TestDb t;
  constexpr int kThreads = 8;
  std::atomic<int> runs{0}, inserted{0}, found{0}, looked{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      t.db().Write([&](Tx& tx) {
        ++runs;
        if (!tx.Query("SELECT contact_id FROM contact_identities WHERE kind = 'phone' AND value = ?",
                      {std::string("+79990000000")})
                 .empty()) {
          ++found;
          tx.Commit();
          return;
        }
        // Every writer has looked (and found nothing) before any of them inserts.
        if (++looked <= kThreads) {
          auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
          while (looked < kThreads && std::chrono::steady_clock::now() < until) std::this_thread::yield();
        }
        tx.Exec("INSERT INTO contact_identities (kind, value, contact_id) VALUES ('phone', ?, 1)",
                {std::string("+79990000000")});
        tx.Commit();
        ++inserted;
      });
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(inserted.load(), 1);
  EXPECT_EQ(found.load(), kThreads - 1);
  EXPECT_EQ(runs.load(), 2 * kThreads - 1);  // the losers ran twice
  auto tx = t.db().Begin(TxMode::kRead);
  EXPECT_EQ(tx->Query("SELECT count(*) FROM contact_identities")[0].Int(0), 1);
}

TEST(PgDatabase, KeysetSortSentinelIsABigint) {
  REQUIRE_POSTGRES();
  TestDb t;
  auto tx = t.db().Begin(TxMode::kRead);
  auto rows = tx->Query("SELECT COALESCE(NULL::bigint, -9223372036854775808)");
  EXPECT_EQ(std::get<int64_t>(rows[0].values[0]), INT64_MIN);
}

}  // namespace
}  // namespace voronka::storage
