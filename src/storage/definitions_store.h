#pragma once
// Versioned pipeline definitions in the database. The shipped YAML files are version 1
// of their pipelines; publishing an edited YAML stores the next version. A stored version
// never changes, so parsed definitions are cached by (code, version). Thread-safe.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "common/time.h"
#include "process/definition.h"
#include "storage/db.h"

namespace voronka::storage {

using DefinitionPtr = std::shared_ptr<const process::Definition>;

// Stores version 1 of every shipped pipeline that the database does not have yet.
void EnsureShippedDefinitions(Tx& tx, TimeMs now);

// The newest version number of a pipeline; nullopt when there is none.
std::optional<int> LatestDefinitionVersion(Tx& tx, const std::string& code);

// A stored version (the newest when `version` is nullopt); nullptr when missing.
DefinitionPtr GetDefinition(Tx& tx, const std::string& code, std::optional<int> version = std::nullopt);

struct Published {
  std::string code;
  int version = 0;
};
// Lints and stores `yaml` as the next version of its pipeline. kInvalid with every lint
// message (extra.problems) when it does not lint clean.
Result<Published> PublishDefinition(Tx& tx, const std::string& yaml, std::optional<int64_t> user, TimeMs now);

// [{code, version, created_at, created_by}] newest first; all pipelines when code is empty.
std::vector<nlohmann::json> ListDefinitionVersions(Tx& tx, const std::string& code);

// Moves the running (open) cards of a pipeline to `to_version`. A card whose stage does not
// exist in that version stays where it is and is reported. Stage timers the new version
// does not have are dropped; task deadlines are kept.
struct MigrationReport {
  int migrated = 0;
  std::vector<nlohmann::json> unmapped;  // {deal_id, stage, version}
};
Result<MigrationReport> MigrateCards(Tx& tx, const std::string& code, int to_version, std::optional<int64_t> user,
                                     TimeMs now);

}  // namespace voronka::storage
