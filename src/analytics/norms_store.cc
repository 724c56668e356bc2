#include "analytics/norms_store.h"

#include <stdexcept>

#include "analytics/history.h"
#include "storage/records.h"

namespace voronka::analytics {

namespace {
const char* const kFile = "norms.yaml";
}

StoredNorms CurrentNorms(storage::Tx& tx) {
  auto stages = MainPath("it_studio");
  auto rows = tx.Query("SELECT version, yaml, author_id, created_at FROM analytics_norms ORDER BY version DESC LIMIT 1");
  if (!rows.empty()) {
    auto loaded = LoadNorms(rows[0].Text(1), kFile, stages);
    // A saved version that no longer fits the pipeline (a stage was renamed) yields to the default.
    if (loaded.ok())
      return {rows[0].Int(0), rows[0].Text(1), rows[0].MaybeInt(2), rows[0].Int(3), std::move(loaded.value())};
  }
  auto shipped = LoadNorms(DefaultNormsYaml(), "processes/norms/it_studio.yaml", stages);
  if (!shipped.ok()) throw std::logic_error(shipped.error().message);
  return {0, DefaultNormsYaml(), std::nullopt, std::nullopt, std::move(shipped.value())};
}

Result<StoredNorms> SaveNorms(storage::Tx& tx, const std::string& yaml, std::optional<int64_t> expected_version,
                              int64_t author_id, TimeMs now) {
  auto loaded = LoadNorms(yaml, kFile, MainPath("it_studio"));
  if (!loaded.ok()) return loaded.error();
  auto rows = tx.Query("SELECT MAX(version) FROM analytics_norms");
  int64_t current = rows.empty() || rows[0].IsNull(0) ? 0 : rows[0].Int(0);
  if (expected_version && *expected_version != current) {
    Error err = Error::Conflict("the norms were changed meanwhile (version " + std::to_string(current) +
                                " is in force, you edited " + std::to_string(*expected_version) + "); reload them");
    err.extra = {{"current_version", current}};
    return err;
  }
  tx.Exec("INSERT INTO analytics_norms (version, yaml, created_at, author_id) VALUES (?, ?, ?, ?)",
          {current + 1, yaml, now, author_id});
  storage::AppendAudit(tx, {author_id, now}, "analytics_norms", current + 1, "create", std::nullopt, nullptr, nullptr);
  return StoredNorms{current + 1, yaml, author_id, now, std::move(loaded.value())};
}

nlohmann::json StoredNormsToJson(const StoredNorms& n) {
  return {{"version", n.version}, {"default", n.version == 0}, {"yaml", n.yaml},
          {"author_id", n.author_id ? nlohmann::json(*n.author_id) : nlohmann::json(nullptr)},
          {"saved_at", n.saved_at ? nlohmann::json(FormatIso(*n.saved_at)) : nlohmann::json(nullptr)},
          {"norms", NormsToJson(n.norms)}};
}

}  // namespace voronka::analytics
