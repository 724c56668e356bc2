// Login, logout, the current user, password change and API tokens.

#include "auth/password.h"
#include "common/random.h"
#include "common/text.h"
#include "http/api.h"
#include "storage/auth_store.h"
#include "storage/records.h"

namespace voronka::http {

namespace {
using nlohmann::json;
using storage::TxMode;

constexpr const char* kCookie = "voronka_session";

std::string RequireString(const json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || !it->is_string() || it->get<std::string>().empty())
    Fail(Error::Invalid(field, std::string("field '") + field + "' is required and must be a non-empty string"));
  return it->get<std::string>();
}

std::string CookieHeader(const Context& ctx, const std::string& value, int64_t max_age_s) {
  std::string c = std::string(kCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" +
                  std::to_string(max_age_s);
  if (ctx.app.config.secure_cookies) c += "; Secure";
  return c;
}

json UserJson(storage::Tx& tx, int64_t id, TimeMs now) {
  return Unwrap(storage::GetRecord(tx, domain::UsersSpec(), id, now));
}

Response Login(Context& ctx) {
  json body = ctx.JsonBody();
  if (!body.is_object()) Fail(Error::Invalid("", "request body must be a JSON object"));
  std::string email_raw = RequireString(body, "email");
  std::string password = RequireString(body, "password");
  std::string email = NormalizeEmail(email_raw).value_or(FoldCase(Trim(email_raw)));

  auto& accounts = ctx.app.account_throttle;
  auto& addresses = ctx.app.address_throttle;
  const std::string& k_account = email;
  const std::string& k_addr = ctx.req.remote;
  int64_t wait = std::max(accounts.RetryAfterMs(k_account, ctx.now), addresses.RetryAfterMs(k_addr, ctx.now));
  if (wait > 0) {
    Error err{Code::kRateLimited,
              "too many failed logins; try again in " + std::to_string((wait + 999) / 1000) + " s", "", nullptr};
    Response res = Response::FromError(err);
    res.headers.emplace_back("Retry-After", std::to_string((wait + 999) / 1000));
    return res;
  }

  std::optional<storage::LoginRecord> login;
  {
    auto tx = ctx.app.db.Begin(TxMode::kRead);
    login = storage::FindLogin(*tx, email);
  }
  // Verify even for unknown accounts so that timing does not reveal which e-mails exist.
  static const std::string dummy = auth::HashPassword("voronka-dummy-password");
  bool ok = auth::VerifyPassword(login ? login->password_hash : dummy, password) && login && login->active;
  if (!ok) {
    accounts.Failure(k_account, ctx.now);
    addresses.Failure(k_addr, ctx.now);
    Fail(Error::Unauthenticated("wrong e-mail or password"));
  }
  accounts.Success(k_account);

  std::string session = RandomHex(32);
  auto tx = ctx.app.db.Begin(TxMode::kWrite);
  storage::CreateSession(*tx, Sha256Hex(session), login->user_id, ctx.now, ctx.now + ctx.app.config.session_ttl_ms);
  json user = UserJson(*tx, login->user_id, ctx.now);
  tx->Commit();
  Response res = Response::Json(200, {{"user", user}});
  res.headers.emplace_back("Set-Cookie", CookieHeader(ctx, session, ctx.app.config.session_ttl_ms / 1000));
  return res;
}

Response Logout(Context& ctx) {
  if (!ctx.session_hash.empty()) {
    auto tx = ctx.app.db.Begin(TxMode::kWrite);
    storage::DeleteSession(*tx, ctx.session_hash);
    tx->Commit();
  }
  Response res = Response::Json(200, {{"ok", true}});
  res.headers.emplace_back("Set-Cookie", CookieHeader(ctx, "", 0));
  return res;
}

Response Me(Context& ctx) {
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  json user = UserJson(*tx, ctx.user().user_id, ctx.now);
  return Response::Json(200, {{"user", user}, {"via_token", ctx.user().via_token}});
}

Response ChangePassword(Context& ctx) {
  json body = ctx.JsonBody();
  if (!body.is_object()) Fail(Error::Invalid("", "request body must be a JSON object"));
  std::string old_pw = RequireString(body, "old_password");
  std::string new_pw = RequireString(body, "new_password");
  if (auto p = auth::PasswordProblem(new_pw); !p.empty()) Fail(Error::Invalid("new_password", p));
  std::string hash;
  {
    auto tx = ctx.app.db.Begin(TxMode::kRead);
    auto rows = tx->Query("SELECT password_hash FROM users WHERE id = ?", {ctx.user().user_id});
    hash = rows.empty() ? "" : rows[0].Text(0);
  }
  if (!auth::VerifyPassword(hash, old_pw)) Fail(Error::Forbidden("the current password is wrong"));
  std::string new_hash = auth::HashPassword(new_pw);
  auto tx = ctx.app.db.Begin(TxMode::kWrite);
  storage::SetPasswordHash(*tx, ctx.user().user_id, new_hash);
  storage::DeleteUserSessions(*tx, ctx.user().user_id);
  storage::AppendAudit(*tx, {ctx.user().user_id, ctx.now}, "users", ctx.user().user_id, "password", std::nullopt,
                       nullptr, nullptr);
  tx->Commit();
  Response res = Response::Json(200, {{"ok", true}});
  res.headers.emplace_back("Set-Cookie", CookieHeader(ctx, "", 0));
  return res;
}

Response ListTokens(Context& ctx) {
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  bool admin = ctx.user().role == domain::Role::kAdmin;
  auto items = storage::ListApiTokens(*tx, admin ? std::nullopt : std::optional<int64_t>(ctx.user().user_id));
  return Response::Json(200, {{"items", items}});
}

Response CreateToken(Context& ctx) {
  json body = ctx.JsonBody();
  if (!body.is_object()) Fail(Error::Invalid("", "request body must be a JSON object"));
  std::string name = RequireString(body, "name");
  if (name.size() > 100) Fail(Error::Invalid("name", "name must be at most 100 characters"));
  int64_t owner = ctx.user().user_id;
  if (body.contains("user_id")) {
    if (!body["user_id"].is_number_integer()) Fail(Error::Invalid("user_id", "user_id must be an integer"));
    owner = body["user_id"].get<int64_t>();
    if (owner != ctx.user().user_id && ctx.user().role != domain::Role::kAdmin)
      Fail(Error::Forbidden("only an admin may create tokens for other users"));
  }
  std::string scope = storage::kTokenScopeAll;
  if (body.contains("scope")) {
    if (!body["scope"].is_string() ||
        (body["scope"] != storage::kTokenScopeAll && body["scope"] != storage::kTokenScopeIntake))
      Fail(Error::Invalid("scope", "scope must be 'all' or 'intake'"));
    scope = body["scope"].get<std::string>();
  }
  // A site form's token posts leads for the whole department: the head's or the admin's call.
  auto role = ctx.user().role;
  if (scope == storage::kTokenScopeIntake && role != domain::Role::kHead && role != domain::Role::kAdmin)
    Fail(Error::Forbidden("only a head of sales or an admin may create a site form token"));
  std::string token = "vrk_" + RandomHex(24);
  auto tx = ctx.app.db.Begin(TxMode::kWrite);
  auto principal = storage::LoadPrincipal(*tx, owner);
  if (!principal) Fail(Error::Unprocessable("user_id", "no active user with id " + std::to_string(owner)));
  if (scope == storage::kTokenScopeIntake &&
      (principal->role == domain::Role::kOwner || principal->role == domain::Role::kCurator))
    Fail(Error::Unprocessable("user_id", "the " + std::string(domain::RoleName(principal->role)) +
                                             " role does not take leads"));
  int64_t id = storage::CreateApiToken(*tx, name, Sha256Hex(token), owner, ctx.now, scope);
  storage::AppendAudit(*tx, {ctx.user().user_id, ctx.now}, "api_tokens", id, "create", std::nullopt, nullptr,
                       {{"name", name}, {"user_id", owner}, {"scope", scope}});
  tx->Commit();
  return Response::Json(201, {{"id", id}, {"name", name}, {"user_id", owner}, {"scope", scope}, {"token", token}});
}

Response RevokeToken(Context& ctx) {
  int64_t id = ctx.IdParam();
  auto tx = ctx.app.db.Begin(TxMode::kWrite);
  auto owner = tx->Query("SELECT user_id FROM api_tokens WHERE id = ?", {id});
  if (owner.empty()) Fail(Error::NotFound("no API token with id " + std::to_string(id)));
  if (owner[0].Int(0) != ctx.user().user_id && ctx.user().role != domain::Role::kAdmin)
    Fail(Error::Forbidden("you may revoke only your own tokens"));
  storage::RevokeApiToken(*tx, id);
  storage::AppendAudit(*tx, {ctx.user().user_id, ctx.now}, "api_tokens", id, "revoke", std::nullopt, nullptr, nullptr);
  tx->Commit();
  return Response::Json(200, {{"ok", true}});
}

}  // namespace

void RegisterAuthRoutes(Router& r) {
  r.Add("POST", "/api/auth/login", Auth::kPublic,
        {.summary = "Log in with e-mail and password; sets the session cookie", .tag = "auth",
         .request_schema = "Login"},
        Login);
  r.Add("POST", "/api/auth/logout", Auth::kRequired, {.summary = "End the session", .tag = "auth"}, Logout);
  r.Add("GET", "/api/auth/me", Auth::kRequired, {.summary = "The current user", .tag = "auth"}, Me);
  r.Add("POST", "/api/auth/password", Auth::kRequired,
        {.summary = "Change own password (ends all sessions)", .tag = "auth", .request_schema = "PasswordChange"},
        ChangePassword);
  r.Add("GET", "/api/tokens", Auth::kRequired, {.summary = "API tokens (own; an admin sees all)", .tag = "auth"},
        ListTokens);
  r.Add("POST", "/api/tokens", Auth::kRequired,
        {.summary = "Create an API token (scope all, or intake for a site form); the secret is shown once", .tag = "auth", .request_schema = "TokenCreate",
         .success_status = 201},
        CreateToken);
  r.Add("POST", "/api/tokens/{id}/revoke", Auth::kRequired, {.summary = "Revoke an API token", .tag = "auth"},
        RevokeToken);
}

}  // namespace voronka::http
