#include "storage/definitions_store.h"

#include <map>
#include <mutex>
#include <set>

#include "process/engine.h"
#include "storage/records.h"

namespace voronka::process {
std::vector<std::pair<std::string_view, std::string_view>> EmbeddedProcessFiles();
}

namespace voronka::storage {

using nlohmann::json;

namespace {

std::mutex cache_mu;
std::map<std::pair<std::string, int>, DefinitionPtr> cache;

}  // namespace

void EnsureShippedDefinitions(Tx& tx, TimeMs now) {
  for (const auto& [name, text] : process::EmbeddedProcessFiles()) {
    auto lint = process::LintDefinition(text, name);
    if (!lint.empty()) continue;  // scoring models and other files are not pipelines
    auto d = process::LoadDefinition(text, name);
    if (!d.ok() || LatestDefinitionVersion(tx, d.value().code)) continue;
    tx.Exec("INSERT INTO process_definitions (code, version, yaml, created_at) VALUES (?, 1, ?, ?)",
            {d.value().code, std::string(text), now});
  }
}

std::optional<int> LatestDefinitionVersion(Tx& tx, const std::string& code) {
  auto rows = tx.Query("SELECT MAX(version) FROM process_definitions WHERE code = ?", {code});
  if (rows.empty() || rows[0].IsNull(0)) return std::nullopt;
  return static_cast<int>(rows[0].Int(0));
}

DefinitionPtr GetDefinition(Tx& tx, const std::string& code, std::optional<int> version) {
  int v;
  if (version) {
    v = *version;
  } else {
    auto latest = LatestDefinitionVersion(tx, code);
    if (!latest) return nullptr;
    v = *latest;
  }
  {
    std::lock_guard lock(cache_mu);
    auto it = cache.find({code, v});
    if (it != cache.end()) return it->second;
  }
  auto rows = tx.Query("SELECT yaml FROM process_definitions WHERE code = ? AND version = ?", {code, int64_t(v)});
  if (rows.empty()) return nullptr;
  auto d = process::LoadDefinition(rows[0].Text(0), code + " v" + std::to_string(v));
  if (!d.ok()) return nullptr;
  auto ptr = std::make_shared<const process::Definition>(std::move(d.value()));
  std::lock_guard lock(cache_mu);
  cache[{code, v}] = ptr;
  return ptr;
}

Result<Published> PublishDefinition(Tx& tx, const std::string& yaml, std::optional<int64_t> user, TimeMs now) {
  auto lint = process::LintDefinition(yaml, "pipeline.yaml");
  if (!lint.empty()) {
    Error err = Error::Invalid("yaml", JoinLint(lint));
    json problems = json::array();
    for (const auto& m : lint)
      problems.push_back({{"line", m.line}, {"column", m.column}, {"message", m.message}});
    err.extra = {{"problems", problems}};
    return err;
  }
  auto d = process::LoadDefinition(yaml, "pipeline.yaml");
  std::string code = d.value().code;
  int version = LatestDefinitionVersion(tx, code).value_or(0) + 1;
  tx.Exec("INSERT INTO process_definitions (code, version, yaml, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
          {code, int64_t(version), yaml, now, OptInt(user)});
  AppendAudit(tx, {user, now}, "process_definitions", version, "publish", code, nullptr, json{{"version", version}});
  return Published{code, version};
}

std::vector<json> ListDefinitionVersions(Tx& tx, const std::string& code) {
  std::vector<json> out;
  auto rows = code.empty()
                  ? tx.Query("SELECT code, version, created_at, created_by FROM process_definitions ORDER BY code, version DESC")
                  : tx.Query("SELECT code, version, created_at, created_by FROM process_definitions WHERE code = ? "
                             "ORDER BY version DESC",
                             {code});
  for (const auto& r : rows)
    out.push_back({{"code", r.Text(0)}, {"version", r.Int(1)}, {"created_at", FormatIso(r.Int(2))},
                   {"created_by", r.IsNull(3) ? json() : json(r.Int(3))}});
  return out;
}

Result<MigrationReport> MigrateCards(Tx& tx, const std::string& code, int to_version, std::optional<int64_t> user,
                                     TimeMs now) {
  DefinitionPtr target = GetDefinition(tx, code, to_version);
  if (!target)
    return Error::NotFound("pipeline " + code + " has no version " + std::to_string(to_version));
  MigrationReport report;
  auto rows = tx.Query("SELECT id, stage, COALESCE(process_version, 1), process_state FROM deals "
                       "WHERE pipeline = ? AND status = 'open' AND archived = 0 AND COALESCE(process_version, 1) <> ?",
                       {code, int64_t(to_version)});
  for (const auto& r : rows) {
    int64_t id = r.Int(0);
    std::string stage = r.Text(1);
    if (!target->FindStage(stage)) {
      report.unmapped.push_back({{"deal_id", id}, {"stage", stage}, {"version", r.Int(2)}});
      continue;
    }
    // Keep task deadlines; drop stage timers the new version does not define.
    auto state = process::CardState::FromJson(r.IsNull(3) ? json() : json::parse(r.Text(3), nullptr, false));
    std::set<std::string> known;
    for (const auto& s : target->stages)
      for (const auto& t : s.timers) known.insert(t.code);
    for (auto it = state.timers.begin(); it != state.timers.end();) {
      if (it->first.rfind("task:", 0) != 0 && !known.count(it->first)) {
        tx.Exec("DELETE FROM process_timers WHERE deal_id = ? AND code = ?", {id, it->first});
        it = state.timers.erase(it);
      } else {
        ++it;
      }
    }
    tx.Exec("UPDATE deals SET process_version = ?, process_state = ? WHERE id = ?",
            {int64_t(to_version), state.stage.empty() ? Null() : Value(state.ToJson().dump()), id});
    AppendAudit(tx, {user, now}, "deals", id, "update", std::string("process_version"), r.Int(2), to_version);
    ++report.migrated;
  }
  return report;
}

}  // namespace voronka::storage
