// Lead routing and absences: GET/PUT /api/routing (the head's rules as YAML),
// POST /api/deals/{id}/route (route a card again by the rules, e.g. once its segment is known),
// GET/POST /api/absences and DELETE /api/absences/{id}.

#include <algorithm>

#include "domain/entity.h"
#include "http/api.h"
#include "http/handlers/deal_access.h"
#include "http/idempotency.h"
#include "routing/routing_store.h"

namespace voronka::http {

namespace {

using nlohmann::json;
using storage::TxMode;

bool Heads(const domain::Principal& p) { return p.role == domain::Role::kHead || p.role == domain::Role::kAdmin; }

json RulesJson(const routing::RulesText& r) {
  return {{"yaml", r.yaml},
          {"default", r.is_default},
          {"updated_at", r.updated_at ? json(FormatIso(*r.updated_at)) : json(nullptr)}};
}

Response GetRules(Context& ctx) {
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  return Response::Json(200, RulesJson(routing::CurrentRules(*tx)));
}

// A head or an admin; a null yaml returns to the shipped default.
Response PutRules(Context& ctx) {
  const auto& me = ctx.user();
  if (!Heads(me) || me.via_token) Fail(Error::Forbidden("only a head of sales or an admin may change lead routing"));
  json body = ctx.JsonBody();
  if (!body.is_object() || !body.contains("yaml") || (!body["yaml"].is_string() && !body["yaml"].is_null()))
    Fail(Error::Invalid("yaml", "send {\"yaml\": \"…routing YAML…\"} (or null for the shipped default)"));
  std::optional<std::string> yaml;
  if (body["yaml"].is_string()) yaml = body["yaml"].get<std::string>();
  if (yaml && yaml->size() > 64 * 1024) Fail(Error::Invalid("yaml", "yaml must be at most 64 KiB"));
  json out;
  ctx.app.db.Write([&](storage::Tx& tx) {
    Check(routing::SetRules(tx, yaml, {me.user_id, ctx.now}));
    out = RulesJson(routing::CurrentRules(tx));
    tx.Commit();
  });
  return Response::Json(200, out);
}

// Routes the card again by the current rules (its channel, region, product and segment as they
// are now). {"dry_run": true} only tells who it would go to.
Response RouteDeal(Context& ctx) {
  const auto& me = ctx.user();
  int64_t id = ctx.IdParam();
  json body = ctx.req.body.empty() ? json::object() : ctx.JsonBody();
  if (!body.is_object()) Fail(Error::Invalid("", "request body must be a JSON object"));
  for (auto& [k, v] : body.items())
    if (k != "dry_run") Fail(Error::Invalid(k, "unknown field '" + k + "' (expected dry_run)"));
  bool dry_run = false;
  if (body.contains("dry_run")) {
    if (!body["dry_run"].is_boolean()) Fail(Error::Invalid("dry_run", "dry_run must be true or false"));
    dry_run = body["dry_run"].get<bool>();
  }
  json out;
  ctx.app.db.Write([&](storage::Tx& tx) {
    RequireAccess(tx, ctx, *domain::FindEntity("deals"), id, true);
    if (!Heads(me) || me.via_token) Fail(Error::Forbidden("only a head of sales or an admin may route a card again"));
    auto d = tx.Query("SELECT channel, region, product, segment, responsible_id, status FROM deals WHERE id = ?", {id});
    if (d[0].Text(5) != "open") Fail(Error::Unprocessable("id", "only an open card is routed"));
    routing::Lead lead{d[0].Text(0), d[0].Text(1), d[0].Text(2), d[0].Text(3)};
    std::optional<routing::Choice> choice;
    if (dry_run) {
      auto rules = routing::ParseRules(routing::CurrentRules(tx).yaml, "routing.yaml");
      if (rules.ok()) choice = routing::Choose(rules.value(), lead, routing::LoadCandidates(tx, ctx.now), {});
    } else {
      choice = routing::RouteLead(tx, lead, ctx.now);
    }
    if (!choice) Fail(Error::Unprocessable("id", "no routing rule has anyone for this card"));
    if (!dry_run) {
      auto prev = d[0].MaybeInt(4);
      if (prev != choice->user_id) {
        const auto& deals = *domain::FindEntity("deals");
        auto current = Unwrap(storage::GetRecord(tx, deals, id, ctx.now));
        int64_t version = 0;
        auto values = Unwrap(domain::ValidatePatch(deals, {{"version", current["version"]}, {"responsible_id", choice->user_id}},
                                                   &version));
        Unwrap(storage::UpdateRecord(tx, deals, id, version, values, {me.user_id, ctx.now}));
        if (prev)
          tx.Exec("UPDATE tasks SET assignee_id = ?, version = version + 1, updated_at = ? WHERE deal_id = ? AND "
                  "assignee_id = ? AND done = 0 AND archived = 0",
                  {choice->user_id, ctx.now, id, *prev});
      }
      routing::RecordAssignment(tx, id, *choice, ctx.now);
    }
    out = {{"user_id", choice->user_id}, {"rule", choice->rule}, {"off_shift", choice->off_shift},
           {"dry_run", dry_run}};
    tx.Commit();
  });
  return Response::Json(200, out);
}

// Whose absences the caller sees and manages: an admin or the owner everyone's, a head their
// teams', anyone else their own (and those they stand in for).
std::optional<std::vector<int64_t>> AbsenceScope(const domain::Principal& p) {
  if (p.role == domain::Role::kAdmin || p.role == domain::Role::kOwner) return std::nullopt;
  if (p.role == domain::Role::kHead) {
    auto ids = p.team_user_ids;
    ids.push_back(p.user_id);
    return ids;
  }
  return std::vector<int64_t>{p.user_id};
}

bool MayManage(const domain::Principal& p, int64_t user_id) {
  if (p.role == domain::Role::kAdmin) return true;
  auto scope = AbsenceScope(p);
  return !scope || std::find(scope->begin(), scope->end(), user_id) != scope->end();
}

Response ListAbsences(Context& ctx) {
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  TimeMs from = ctx.now;
  if (auto q = ctx.req.Query("from")) {
    auto t = ParseIso(*q);
    if (!t) Fail(Error::Invalid("from", "from must be a date (YYYY-MM-DD)"));
    from = *t;
  }
  json items = json::array();
  for (auto& a : routing::ListAbsences(*tx, AbsenceScope(ctx.user()), from)) items.push_back(std::move(a));
  return Response::Json(200, {{"items", items}});
}

Response CreateAbsence(Context& ctx) {
  const auto& me = ctx.user();
  auto in = Unwrap(routing::ParseAbsence(ctx.JsonBody(), me.user_id));
  if (!MayManage(me, in.user_id))
    Fail(Error::Forbidden("you may mark only your own absence" +
                          std::string(me.role == domain::Role::kHead ? " or your team's" : "")));
  return IdempotentWrite(ctx, [&](storage::Tx& tx) {
    return Response::Json(201, Unwrap(routing::CreateAbsence(tx, in, {me.user_id, ctx.now})));
  });
}

Response DeleteAbsence(Context& ctx) {
  const auto& me = ctx.user();
  int64_t id = ctx.IdParam();
  ctx.app.db.Write([&](storage::Tx& tx) {
    auto a = Unwrap(routing::GetAbsence(tx, id));
    if (!MayManage(me, a["user_id"].get<int64_t>()))
      Fail(Error::Forbidden("you may cancel only your own absence or your team's"));
    Check(routing::DeleteAbsence(tx, id, {me.user_id, ctx.now}));
    tx.Commit();
  });
  return Response::Json(200, {{"deleted", id}});
}

}  // namespace

void RegisterRoutingRoutes(Router& r) {
  r.Add("GET", "/api/routing", Auth::kRequired,
        {.summary = "The lead routing rules (YAML) in force; default: true when they are the shipped ones",
         .tag = "routing"},
        GetRules);
  r.Add("PUT", "/api/routing", Auth::kRequired,
        {.summary = "Set the lead routing rules {yaml} (head or admin); errors name line and column in "
                    "error.extra.problems; null yaml returns to the shipped default",
         .tag = "routing"},
        PutRules);
  r.Add("POST", "/api/deals/{id}/route", Auth::kRequired,
        {.summary = "Route the card again by the rules (head or admin); {dry_run: true} only tells who would get it",
         .tag = "routing"},
        RouteDeal);
  r.Add("GET", "/api/absences", Auth::kRequired,
        {.summary = "Absences ending after ?from= (default now): an admin or the owner sees all, a head the team's, "
                    "others their own and those they stand in for",
         .tag = "routing"},
        ListAbsences);
  r.Add("POST", "/api/absences", Auth::kRequired,
        {.summary = "Mark a vacation or sick leave {user_id?, kind: vacation|sick_leave, starts_at, ends_at, stand_in_id, note?} with a stand-in: new leads skip the person, their open tasks go "
                    "to the stand-in for the period and come back after",
         .tag = "routing", .success_status = 201},
        CreateAbsence);
  r.Add("DELETE", "/api/absences/{id}", Auth::kRequired,
        {.summary = "Cancel an absence; tasks the stand-in still holds go back", .tag = "routing"}, DeleteAbsence);
}

}  // namespace voronka::http
