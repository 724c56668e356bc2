#pragma once
// Users' credentials, sessions and API tokens. Session ids and tokens are stored only as
// SHA-256 digests; the secret itself is shown to its holder once.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/time.h"
#include "domain/access.h"
#include "storage/db.h"

namespace voronka::storage {

struct LoginRecord {
  int64_t user_id = 0;
  std::string password_hash;
  bool active = false;
};

// nullopt when no user has this (normalised) e-mail.
std::optional<LoginRecord> FindLogin(Tx& tx, const std::string& email);
void SetPasswordHash(Tx& tx, int64_t user_id, const std::string& hash);

// The principal for an active user; nullopt for a missing or deactivated one.
std::optional<domain::Principal> LoadPrincipal(Tx& tx, int64_t user_id);

void CreateSession(Tx& tx, const std::string& id_hash, int64_t user_id, TimeMs now, TimeMs expires_at);
// The user of a live session; nullopt when missing or expired.
std::optional<int64_t> SessionUser(Tx& tx, const std::string& id_hash, TimeMs now);
void DeleteSession(Tx& tx, const std::string& id_hash);
void DeleteUserSessions(Tx& tx, int64_t user_id);

// Token scopes: kTokenScopeAll acts as its user everywhere; kTokenScopeIntake may only post
// leads to /api/intake (a site form's token is public: any visitor of the site can read it).
inline constexpr const char* kTokenScopeAll = "all";
inline constexpr const char* kTokenScopeIntake = "intake";

struct ApiTokenGrant {
  int64_t user_id = 0;
  std::string scope;
};

int64_t CreateApiToken(Tx& tx, const std::string& name, const std::string& token_hash, int64_t user_id, TimeMs now,
                       const std::string& scope = kTokenScopeAll);
// The user and scope of a live (not revoked) token.
std::optional<ApiTokenGrant> FindApiToken(Tx& tx, const std::string& token_hash);
// The user of a live token of scope "all"; nullopt for unknown, revoked and narrower tokens.
std::optional<int64_t> ApiTokenUser(Tx& tx, const std::string& token_hash);
// Tokens of a user (or of everyone when user_id is nullopt), without secrets, with their scope.
std::vector<nlohmann::json> ListApiTokens(Tx& tx, std::optional<int64_t> user_id);
// Returns the owner of the revoked token, nullopt when there is no such token.
std::optional<int64_t> RevokeApiToken(Tx& tx, int64_t token_id);

}  // namespace voronka::storage
