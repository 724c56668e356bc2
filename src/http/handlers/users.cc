// Users: everyone reads the directory (names for pickers); only an admin creates,
// changes roles, deactivates (which ends their sessions) or resets passwords. A user may
// change their own name, phone, time zone and language.

#include "auth/password.h"
#include "common/text.h"
#include "domain/validate.h"
#include "http/api.h"
#include "http/idempotency.h"
#include "storage/auth_store.h"
#include "storage/records.h"

namespace voronka::http {

void RegisterEntityRoutes(Router& r, const domain::EntitySpec& spec, bool with_writes);

namespace {
using nlohmann::json;
using storage::TxMode;

void RequireAdmin(const Context& ctx) {
  if (ctx.user().role != domain::Role::kAdmin) Fail(Error::Forbidden("only an admin may manage users"));
}

// E-mail is the login: normalised, and unique.
void NormalizeLogin(json& body) {
  if (!body.is_object() || !body.contains("email") || !body["email"].is_string()) return;
  auto email = NormalizeEmail(body["email"].get<std::string>());
  if (!email) Fail(Error::Invalid("email", "email '" + body["email"].get<std::string>() + "' is not a valid e-mail address"));
  body["email"] = *email;
}

void RequireUniqueEmail(storage::Tx& tx, const json& body, int64_t self) {
  if (!body.is_object() || !body.contains("email")) return;
  auto rows = tx.Query("SELECT id FROM users WHERE email = ? AND id <> ?", {body["email"].get<std::string>(), self});
  if (!rows.empty())
    Fail(Error{Code::kConflict, "a user with e-mail " + body["email"].get<std::string>() + " already exists", "email",
               {{"existing_user_id", rows[0].Int(0)}}});
}

Response Create(Context& ctx) {
  RequireAdmin(ctx);
  json body = ctx.JsonBody();
  if (!body.is_object()) Fail(Error::Invalid("", "request body must be a JSON object"));
  if (!body.contains("password") || !body["password"].is_string())
    Fail(Error::Invalid("password", "field 'password' is required and must be a string"));
  std::string password = body["password"].get<std::string>();
  if (auto p = auth::PasswordProblem(password); !p.empty()) Fail(Error::Invalid("password", p));
  body.erase("password");
  NormalizeLogin(body);
  auto values = Unwrap(domain::ValidateCreate(domain::UsersSpec(), body));
  std::string hash = auth::HashPassword(password);
  return IdempotentWrite(ctx, [&](storage::Tx& tx) {
    RequireUniqueEmail(tx, body, 0);
    auto user = Unwrap(storage::CreateRecord(tx, domain::UsersSpec(), values, {ctx.user().user_id, ctx.now}));
    storage::SetPasswordHash(tx, user["id"].get<int64_t>(), hash);
    return Response::Json(201, user);
  });
}

Response Patch(Context& ctx) {
  int64_t id = ctx.IdParam();
  json body = ctx.JsonBody();
  bool self = id == ctx.user().user_id;
  if (ctx.user().role != domain::Role::kAdmin) {
    if (!self) Fail(Error::Forbidden("only an admin may change other users"));
    if (body.is_object())
      for (auto& [k, v] : body.items())
        if (k != "version" && k != "name" && k != "phone" && k != "time_zone" && k != "locale")
          Fail(Error::Forbidden("you may change only your name, phone, time zone and language"));
  }
  NormalizeLogin(body);
  int64_t version = 0;
  auto values = Unwrap(domain::ValidatePatch(domain::UsersSpec(), body, &version));
  auto tx = ctx.app.db.Begin(TxMode::kWrite);
  RequireUniqueEmail(*tx, body, id);
  auto user = Unwrap(storage::UpdateRecord(*tx, domain::UsersSpec(), id, version, values, {ctx.user().user_id, ctx.now}));
  tx->Commit();
  return Response::Json(200, user);
}

Response SetActive(Context& ctx, bool active) {
  RequireAdmin(ctx);
  int64_t id = ctx.IdParam();
  int64_t version = Unwrap(domain::RequireVersion(ctx.JsonBody()));
  if (!active && id == ctx.user().user_id) Fail(Error::Unprocessable("id", "you cannot deactivate yourself"));
  auto tx = ctx.app.db.Begin(TxMode::kWrite);
  auto user = Unwrap(storage::SetArchived(*tx, domain::UsersSpec(), id, version, !active, {ctx.user().user_id, ctx.now}));
  if (!active) storage::DeleteUserSessions(*tx, id);
  tx->Commit();
  return Response::Json(200, user);
}

Response ResetPassword(Context& ctx) {
  RequireAdmin(ctx);
  int64_t id = ctx.IdParam();
  json body = ctx.JsonBody();
  if (!body.is_object() || !body.contains("password") || !body["password"].is_string())
    Fail(Error::Invalid("password", "field 'password' is required and must be a string"));
  std::string password = body["password"].get<std::string>();
  if (auto p = auth::PasswordProblem(password); !p.empty()) Fail(Error::Invalid("password", p));
  std::string hash = auth::HashPassword(password);
  auto tx = ctx.app.db.Begin(TxMode::kWrite);
  Unwrap(storage::GetRecord(*tx, domain::UsersSpec(), id, ctx.now));
  storage::SetPasswordHash(*tx, id, hash);
  storage::DeleteUserSessions(*tx, id);
  storage::AppendAudit(*tx, {ctx.user().user_id, ctx.now}, "users", id, "password", std::nullopt, nullptr, nullptr);
  tx->Commit();
  return Response::Json(200, {{"ok", true}});
}

}  // namespace

void RegisterUserRoutes(Router& r) {
  RegisterEntityRoutes(r, domain::UsersSpec(), false);
  r.Add("POST", "/api/users", Auth::kRequired,
        {.summary = "Create a user (admin)", .tag = "users", .request_schema = "UserCreateWithPassword",
         .response_schema = "User", .success_status = 201},
        Create);
  r.Add("PATCH", "/api/users/{id}", Auth::kRequired,
        {.summary = "Change a user (admin; anyone for own name, phone, time zone, language)", .tag = "users",
         .request_schema = "UserPatch", .response_schema = "User"},
        Patch);
  r.Add("POST", "/api/users/{id}/archive", Auth::kRequired,
        {.summary = "Deactivate a user: login blocked, sessions ended, cards kept (admin)", .tag = "users",
         .request_schema = "VersionBody", .response_schema = "User"},
        [](Context& c) { return SetActive(c, false); });
  r.Add("POST", "/api/users/{id}/restore", Auth::kRequired,
        {.summary = "Reactivate a user (admin)", .tag = "users", .request_schema = "VersionBody",
         .response_schema = "User"},
        [](Context& c) { return SetActive(c, true); });
  r.Add("POST", "/api/users/{id}/password", Auth::kRequired,
        {.summary = "Set a user's password (admin); ends their sessions", .tag = "users",
         .request_schema = "PasswordSet"},
        ResetPassword);
}

}  // namespace voronka::http
