#pragma once
// The daily norms in force: the latest version a head saved (table analytics_norms), or the
// shipped processes/norms/it_studio.yaml when none was saved. Runs in the caller's transaction.

#include <optional>
#include <string>

#include "analytics/norms.h"
#include "storage/db.h"

namespace voronka::analytics {

struct StoredNorms {
  int64_t version = 0;  // 0: the shipped default
  std::string yaml;
  std::optional<int64_t> author_id;
  std::optional<TimeMs> saved_at;
  Norms norms;
};

StoredNorms CurrentNorms(storage::Tx& tx);

// Checks the YAML (kInvalid with line-numbered problems) and stores it as the next version.
// `expected_version`, when given, must be the version in force (kConflict otherwise).
Result<StoredNorms> SaveNorms(storage::Tx& tx, const std::string& yaml, std::optional<int64_t> expected_version,
                              int64_t author_id, TimeMs now);

nlohmann::json StoredNormsToJson(const StoredNorms& n);

}  // namespace voronka::analytics
