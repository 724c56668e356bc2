#include "storage/auth_store.h"

namespace voronka::storage {

std::optional<LoginRecord> FindLogin(Tx& tx, const std::string& email) {
  auto rows = tx.Query("SELECT id, password_hash, archived FROM users WHERE email = ?", {email});
  if (rows.empty()) return std::nullopt;
  return LoginRecord{rows[0].Int(0), rows[0].Text(1), rows[0].Int(2) == 0};
}

void SetPasswordHash(Tx& tx, int64_t user_id, const std::string& hash) {
  tx.Exec("UPDATE users SET password_hash = ? WHERE id = ?", {hash, user_id});
}

std::optional<domain::Principal> LoadPrincipal(Tx& tx, int64_t user_id) {
  auto rows = tx.Query("SELECT id, role, name FROM users WHERE id = ? AND archived = 0", {user_id});
  if (rows.empty()) return std::nullopt;
  domain::Principal p;
  p.user_id = rows[0].Int(0);
  p.role = domain::ParseRole(rows[0].Text(1)).value_or(domain::Role::kManager);
  p.name = rows[0].Text(2);
  if (p.role == domain::Role::kHead) {
    // Members of every team the head leads, and of teams below those (one level is enough
    // for a department → teams layout; deeper trees are resolved iteratively).
    std::vector<int64_t> teams;
    for (const auto& r : tx.Query("SELECT id FROM teams WHERE head_id = ? AND archived = 0", {user_id}))
      teams.push_back(r.Int(0));
    for (size_t i = 0; i < teams.size() && i < 1000; ++i)
      for (const auto& r : tx.Query("SELECT id FROM teams WHERE parent_id = ? AND archived = 0", {teams[i]}))
        teams.push_back(r.Int(0));
    for (int64_t t : teams)
      for (const auto& r : tx.Query("SELECT id FROM users WHERE team_id = ?", {t})) p.team_user_ids.push_back(r.Int(0));
    p.team_user_ids.push_back(user_id);
  }
  return p;
}

void CreateSession(Tx& tx, const std::string& id_hash, int64_t user_id, TimeMs now, TimeMs expires_at) {
  tx.Exec("DELETE FROM sessions WHERE expires_at < ?", {now});
  tx.Exec("INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
          {id_hash, user_id, now, expires_at});
}

std::optional<int64_t> SessionUser(Tx& tx, const std::string& id_hash, TimeMs now) {
  auto rows = tx.Query("SELECT user_id FROM sessions WHERE id_hash = ? AND expires_at > ?", {id_hash, now});
  if (rows.empty()) return std::nullopt;
  return rows[0].Int(0);
}

void DeleteSession(Tx& tx, const std::string& id_hash) {
  tx.Exec("DELETE FROM sessions WHERE id_hash = ?", {id_hash});
}

void DeleteUserSessions(Tx& tx, int64_t user_id) { tx.Exec("DELETE FROM sessions WHERE user_id = ?", {user_id}); }

int64_t CreateApiToken(Tx& tx, const std::string& name, const std::string& token_hash, int64_t user_id, TimeMs now,
                       const std::string& scope) {
  auto rows = tx.Query(
      "INSERT INTO api_tokens (name, token_hash, user_id, created_at, scope) VALUES (?, ?, ?, ?, ?) RETURNING id",
      {name, token_hash, user_id, now, scope});
  return rows[0].Int(0);
}

std::optional<ApiTokenGrant> FindApiToken(Tx& tx, const std::string& token_hash) {
  auto rows = tx.Query("SELECT user_id, scope FROM api_tokens WHERE token_hash = ? AND revoked = 0", {token_hash});
  if (rows.empty()) return std::nullopt;
  return ApiTokenGrant{rows[0].Int(0), rows[0].Text(1)};
}

std::optional<int64_t> ApiTokenUser(Tx& tx, const std::string& token_hash) {
  auto grant = FindApiToken(tx, token_hash);
  if (!grant || grant->scope != kTokenScopeAll) return std::nullopt;
  return grant->user_id;
}

std::vector<nlohmann::json> ListApiTokens(Tx& tx, std::optional<int64_t> user_id) {
  std::vector<nlohmann::json> out;
  auto rows = user_id ? tx.Query("SELECT id, name, user_id, created_at, revoked, scope FROM api_tokens WHERE user_id = ? "
                                 "ORDER BY id",
                                 {*user_id})
                      : tx.Query("SELECT id, name, user_id, created_at, revoked, scope FROM api_tokens ORDER BY id");
  for (const auto& r : rows)
    out.push_back({{"id", r.Int(0)}, {"name", r.Text(1)}, {"user_id", r.Int(2)},
                   {"created_at", FormatIso(r.Int(3))}, {"revoked", r.Int(4) != 0}, {"scope", r.Text(5)}});
  return out;
}

std::optional<int64_t> RevokeApiToken(Tx& tx, int64_t token_id) {
  auto rows = tx.Query("SELECT user_id FROM api_tokens WHERE id = ?", {token_id});
  if (rows.empty()) return std::nullopt;
  tx.Exec("UPDATE api_tokens SET revoked = 1 WHERE id = ?", {token_id});
  return rows[0].Int(0);
}

}  // namespace voronka::storage
