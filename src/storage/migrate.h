#pragma once
// Versioned schema migrations. Each file in src/storage/migrations/NNNN_name.sql is one
// version, applied in order, each in its own transaction together with its row in
// schema_migrations. Placeholders are replaced per engine:
//   {{ID}}   SQLite: INTEGER PRIMARY KEY   PostgreSQL: BIGSERIAL PRIMARY KEY
//   {{JSON}} SQLite: TEXT                  PostgreSQL: JSONB

#include <string>

#include "common/result.h"
#include "common/time.h"
#include "storage/db.h"

namespace voronka::storage {

// The newest schema version this build knows.
int LatestSchemaVersion();

// The version the database is at (0 for a new database).
int CurrentSchemaVersion(Database& db);

// Brings the database to LatestSchemaVersion(), or to `target` when it is between the
// current version and the latest (staged upgrades; the upgrade test builds every earlier
// version this way). Refuses (kConflict) a database whose schema is newer than this build,
// and (kInvalid) a target outside that range; changes nothing then. Returns the number of
// migrations applied.
Result<int> Migrate(Database& db, TimeMs now, int target = -1);

// The SQL of a migration with placeholders replaced for the dialect (exposed for tests).
std::string RenderMigration(std::string_view sql, Dialect dialect);

}  // namespace voronka::storage
