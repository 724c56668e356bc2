#include "storage/migrate.h"

#include <algorithm>
#include <vector>

#include "storage/definitions_store.h"

namespace voronka::storage {

std::vector<std::pair<std::string_view, std::string_view>> EmbeddedMigrations();

namespace {
void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    s.replace(pos, from.size(), to);
}

// Several processes may start on one fresh PostgreSQL database at once: schema changes take
// turns under a transaction-scoped advisory lock. (SQLite's write transactions already do.)
void LockSchema(Tx& tx) {
  if (tx.dialect() == Dialect::kPostgres) tx.Query("SELECT pg_advisory_xact_lock(20261124)");
}

void EnsureTable(Tx& tx) {
  LockSchema(tx);
  tx.ExecScript("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                "name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
}
}  // namespace

std::string RenderMigration(std::string_view sql, Dialect dialect) {
  std::string s(sql);
  bool pg = dialect == Dialect::kPostgres;
  ReplaceAll(s, "{{ID}}", pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY");
  ReplaceAll(s, "{{JSON}}", pg ? "JSONB" : "TEXT");
  return s;
}

int LatestSchemaVersion() { return static_cast<int>(EmbeddedMigrations().size()); }

int CurrentSchemaVersion(Database& db) {
  auto tx = db.Begin(TxMode::kWrite);
  EnsureTable(*tx);
  auto rows = tx->Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  tx->Commit();
  return static_cast<int>(rows[0].Int(0));
}

Result<int> Migrate(Database& db, TimeMs now, int target) {
  auto migrations = EmbeddedMigrations();
  int current = CurrentSchemaVersion(db);
  int latest = static_cast<int>(migrations.size());
  if (current > latest) {
    return Error::Conflict("database schema version " + std::to_string(current) +
                           " is newer than this voronka build (knows up to " + std::to_string(latest) +
                           "); upgrade voronka instead of downgrading the database");
  }
  if (target < 0) target = latest;
  if (target < current || target > latest)
    return Error::Invalid("to-version", "target schema version " + std::to_string(target) + " is outside " +
                                            std::to_string(current) + ".." + std::to_string(latest));
  int applied = 0;
  for (int v = current + 1; v <= target; ++v) {
    const auto& [name, sql] = migrations[v - 1];
    auto tx = db.Begin(TxMode::kWrite);
    LockSchema(*tx);
    if (tx->Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0].Int(0) >= v) continue;  // done meanwhile
    tx->ExecScript(RenderMigration(sql, tx->dialect()));
    tx->Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
             {int64_t(v), std::string(name), now});
    tx->Commit();
    ++applied;
  }
  // The shipped pipelines are the first version of their definitions.
  if (target >= 3) {
    auto tx = db.Begin(TxMode::kWrite);
    LockSchema(*tx);
    EnsureShippedDefinitions(*tx, now);
    tx->Commit();
  }
  return applied;
}

}  // namespace voronka::storage
