// The head's monitor (what everyone is doing, tasks, deviations, daily norms against actuals) and
// the daily norms a head edits: GET/PUT /api/analytics/norms.

#include "analytics/monitor_store.h"
#include "analytics/norms_store.h"
#include "http/api.h"

namespace voronka::http {

namespace {

using nlohmann::json;
using storage::TxMode;

Response GetMonitor(Context& ctx) {
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  return Response::Json(200, analytics::Monitor(*tx, domain::ReadScope(ctx.user()), ctx.now));
}

json NormsAnswer(const Context& ctx, const analytics::StoredNorms& n) {
  json out = analytics::StoredNormsToJson(n);
  out["can_edit"] = ctx.user().role == domain::Role::kHead || ctx.user().role == domain::Role::kAdmin;
  return out;
}

Response GetNorms(Context& ctx) {
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  return Response::Json(200, NormsAnswer(ctx, analytics::CurrentNorms(*tx)));
}

// A head or an admin; {"yaml": "…", "version": N (the version edited, optional)}.
Response PutNorms(Context& ctx) {
  auto role = ctx.user().role;
  if (role != domain::Role::kHead && role != domain::Role::kAdmin)
    Fail(Error::Forbidden("only the head of sales or an admin sets the daily norms"));
  json body = ctx.JsonBody();
  if (!body.is_object() || !body.contains("yaml") || !body["yaml"].is_string())
    Fail(Error::Invalid("yaml", "send {\"yaml\": \"…norms YAML…\", \"version\": N}"));
  for (const auto& [k, v] : body.items())
    if (k != "yaml" && k != "version") Fail(Error::Invalid(k, "unknown field '" + k + "' (yaml, version)"));
  std::string yaml = body["yaml"];
  if (yaml.size() > 64 * 1024) Fail(Error::Invalid("yaml", "yaml must be at most 64 KiB"));
  std::optional<int64_t> version;
  if (body.contains("version")) {
    if (!body["version"].is_number_integer() || body["version"].get<int64_t>() < 0)
      Fail(Error::Invalid("version", "version must be the whole number of the version you edited"));
    version = body["version"].get<int64_t>();
  }
  analytics::StoredNorms saved;
  ctx.app.db.Write([&](storage::Tx& tx) {
    saved = Unwrap(analytics::SaveNorms(tx, yaml, version, ctx.user().user_id, ctx.now));
    tx.Commit();
  });
  return Response::Json(200, NormsAnswer(ctx, saved));
}

}  // namespace

void RegisterAnalyticsMonitorRoutes(Router& r) {
  r.Add("GET", "/api/analytics/monitor", Auth::kRequired,
        {.summary = "The head's monitor: per user in my scope the last action and its card, today's tasks (done, "
                    "open, overdue), deviations (open, today), and the daily norms against today's and this week's "
                    "actuals, who is behind",
         .tag = "analytics"},
        GetMonitor);
  r.Add("GET", "/api/analytics/norms", Auth::kRequired,
        {.summary = "The daily norms in force: YAML, version (0: the shipped default) and what they mean",
         .tag = "analytics"},
        GetNorms);
  r.Add("PUT", "/api/analytics/norms", Auth::kRequired,
        {.summary = "Save the daily norms (head, admin) from {yaml, version?}: checked first, every problem named "
                    "with its line and column (400); a stale version is a 409",
         .tag = "analytics"},
        PutNorms);
}

}  // namespace voronka::http
