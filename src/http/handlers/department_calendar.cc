// A department's business calendar (time zone, working hours, days off, holidays), which its
// deadlines and call-time suggestions follow: GET/PUT /api/teams/{id}/calendar.

#include "http/api.h"
#include "process/calendar.h"
#include "storage/calendars_store.h"

namespace voronka::http {

namespace {

using nlohmann::json;
using storage::TxMode;

// What the calendar means, for the UI: the zone and hours in force (the default's when none).
json Effective(const std::optional<std::string>& yaml) {
  const process::BusinessCalendar* cal = &process::BusinessCalendar::RussianDefault();
  std::optional<process::BusinessCalendar> own;
  if (yaml) {
    auto parsed = process::BusinessCalendar::FromYaml(*yaml, "calendar");
    if (parsed.ok()) own = std::move(parsed.value()), cal = &*own;
  }
  return {{"time_zone", std::string(cal->time_zone())}};
}

json Answer(int64_t team_id, const std::optional<std::string>& yaml) {
  json out = Effective(yaml);
  out["team_id"] = team_id;
  out["yaml"] = yaml ? json(*yaml) : json(nullptr);
  out["default"] = !yaml.has_value();
  return out;
}

Response Get(Context& ctx) {
  int64_t id = ctx.IdParam();
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  return Response::Json(200, Answer(id, Unwrap(storage::TeamCalendar(*tx, id))));
}

// The team's head or an admin; a null yaml returns the team to the company default.
Response Put(Context& ctx) {
  int64_t id = ctx.IdParam();
  json body = ctx.JsonBody();
  if (!body.is_object() || !body.contains("yaml"))
    Fail(Error::Invalid("yaml", "send {\"yaml\": \"…calendar YAML…\"} (or null for the company default)"));
  if (!body["yaml"].is_string() && !body["yaml"].is_null())
    Fail(Error::Invalid("yaml", "yaml must be text or null"));
  std::optional<std::string> yaml;
  if (body["yaml"].is_string()) yaml = body["yaml"].get<std::string>();
  if (yaml && yaml->size() > 64 * 1024) Fail(Error::Invalid("yaml", "yaml must be at most 64 KiB"));
  const auto& me = ctx.user();
  ctx.app.db.Write([&](storage::Tx& tx) {
    auto rows = tx.Query("SELECT head_id FROM teams WHERE id = ?", {id});
    if (rows.empty()) Fail(Error::NotFound("no team with id " + std::to_string(id)));
    bool heads_it = me.role == domain::Role::kHead && rows[0].MaybeInt(0) == me.user_id;
    if (me.role != domain::Role::kAdmin && !heads_it)
      Fail(Error::Forbidden("only the team's head or an admin may change its calendar"));
    Check(storage::SetTeamCalendar(tx, id, yaml, {me.user_id, ctx.now}));
    tx.Commit();
  });
  return Response::Json(200, Answer(id, yaml));
}

}  // namespace

void RegisterDepartmentCalendarRoutes(Router& r) {
  r.Add("GET", "/api/teams/{id}/calendar", Auth::kRequired,
        {.summary = "The department's business calendar (YAML) and the time zone in force", .tag = "teams"}, Get);
  r.Add("PUT", "/api/teams/{id}/calendar", Auth::kRequired,
        {.summary = "Set the department's calendar (validated; errors name line and column), null for the default",
         .tag = "teams", .request_schema = "TeamCalendar"},
        Put);
}

}  // namespace voronka::http
