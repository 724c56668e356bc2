// The process on a card: its definition, moving with exit checks, the checklist, lost
// reasons with their follow-ups, external events, the timeline, notifications, deviations.

#include <set>

#include "http/api.h"
#include "storage/calendars_store.h"
#include "http/handlers/deal_access.h"
#include "process/definition.h"
#include "process/calendar.h"
#include "process/diff.h"
#include "storage/definitions_store.h"
#include "process/work_time.h"
#include "scoring/model.h"
#include "scoring/score.h"
#include "storage/process_store.h"
#include "storage/records.h"

namespace voronka::http {

namespace {
using nlohmann::json;
using storage::TxMode;

const domain::EntitySpec& Deals() { return *domain::FindEntity("deals"); }

json ObjectBody(const Context& ctx) {
  json body = ctx.JsonBody();
  if (!body.is_object()) Fail(Error::Invalid("", "request body must be a JSON object"));
  return body;
}

std::string RequireString(const json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || !it->is_string() || it->get<std::string>().empty())
    Fail(Error::Invalid(field, std::string("field '") + field + "' is required and must be a non-empty string"));
  return it->get<std::string>();
}

std::optional<int64_t> OptionalVersion(const json& body) {
  if (!body.contains("version")) return std::nullopt;
  if (!body["version"].is_number_integer() || body["version"].get<int64_t>() < 1)
    Fail(Error::Invalid("version", "version must be a positive integer"));
  return body["version"].get<int64_t>();
}

// Values a lost reason or a process step records: strings, numbers, and times (ISO → ms).
json ProcessFields(const json& body) {
  json out = json::object();
  if (!body.contains("fields")) return out;
  if (!body["fields"].is_object()) Fail(Error::Invalid("fields", "fields must be an object"));
  for (auto& [k, v] : body["fields"].items()) {
    if (k.size() > 64) Fail(Error::Invalid("fields", "field names are at most 64 characters"));
    if (v.is_string() && (k.size() > 3 && (k.substr(k.size() - 3) == "_at" || k.find("deadline") != std::string::npos ||
                                           k.find("date") != std::string::npos))) {
      auto t = ParseIso(v.get<std::string>());
      if (!t) Fail(Error::Invalid("fields." + k, "fields." + k + " must be an ISO 8601 date-time"));
      out[k] = *t;
    } else if (v.is_string() || v.is_number() || v.is_boolean() || v.is_null()) {
      if (v.is_string() && v.get<std::string>().size() > 2000)
        Fail(Error::Invalid("fields." + k, "fields." + k + " must be at most 2000 bytes"));
      out[k] = v;
    } else {
      Fail(Error::Invalid("fields." + k, "fields." + k + " must be text, a number or true/false"));
    }
  }
  return out;
}

// The card's people drive its process: a curator reads it and leaves notes and tasks, an owner
// reads it; both get 403 here, as does anyone outside the card's write scope.
void RequireProcessAccess(storage::Tx& tx, const Context& ctx, int64_t id) {
  RequireAccess(tx, ctx, Deals(), id, true);
  if (ctx.user().role == domain::Role::kCurator || ctx.user().role == domain::Role::kOwner)
    Fail(Error::Forbidden("a curator or an owner reads the card's process; its manager and head drive it"));
}

// Runs one process event on a deal the caller may change; answers with the deal and what happened.
Response RunEvent(Context& ctx, const process::Event& event, std::optional<int64_t> version) {
  int64_t id = ctx.IdParam();
  json out;
  ctx.app.db.Write([&](storage::Tx& tx) {
    RequireProcessAccess(tx, ctx, id);
    auto decision = Unwrap(storage::RunProcessEvent(tx, id, event, version, {ctx.user().user_id, ctx.now},
                                                    process::DefaultWorkTime()));
    json effects = json::array();
    for (const auto& e : decision.effects) effects.push_back(process::Describe(e));
    out = {{"deal", Unwrap(storage::GetRecord(tx, Deals(), id, ctx.now))}, {"effects", effects},
           {"process", decision.state.ToJson()}};
    tx.Commit();
  });
  return Response::Json(200, out);
}

Response Move(Context& ctx) {
  json body = ObjectBody(ctx);
  process::Event e{process::Event::Kind::kMove, RequireString(body, "to"), "", json::object()};
  return RunEvent(ctx, e, OptionalVersion(body));
}

Response CheckItem(Context& ctx) {
  json body = ObjectBody(ctx);
  process::Event e{process::Event::Kind::kCheck, "", RequireString(body, "item"), json::object()};
  if (body.contains("checked")) {
    if (!body["checked"].is_boolean()) Fail(Error::Invalid("checked", "checked must be true or false"));
    e.fields["checked"] = body["checked"];
  }
  return RunEvent(ctx, e, std::nullopt);
}

Response Lost(Context& ctx) {
  json body = ObjectBody(ctx);
  process::Event e{process::Event::Kind::kLost, "", RequireString(body, "reason"), ProcessFields(body)};
  return RunEvent(ctx, e, OptionalVersion(body));
}

Response Fields(Context& ctx) {
  json body = ObjectBody(ctx);
  process::Event e{process::Event::Kind::kFieldsChanged, "", "", ProcessFields(body)};
  if (e.fields.empty()) Fail(Error::Invalid("fields", "send the process fields to record in 'fields'"));
  return RunEvent(ctx, e, std::nullopt);
}

Response External(Context& ctx) {
  json body = ObjectBody(ctx);
  std::string name = RequireString(body, "name");
  if (name.size() > 64 || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_0123456789") != std::string::npos)
    Fail(Error::Invalid("name", "name must be a lower-case event code such as proposal_opened"));
  return RunEvent(ctx, {process::Event::Kind::kExternal, "", name, json::object()}, std::nullopt);
}

// Scoring: knock-outs and 3×5 parameters → total and segment; the process routes by it.
Response ScoreDeal(Context& ctx) {
  {
    // Who may score comes before what was scored: a stranger learns nothing from the answer.
    auto tx = ctx.app.db.Begin(TxMode::kRead);
    RequireProcessAccess(*tx, ctx, ctx.IdParam());
  }
  json body = ObjectBody(ctx);
  std::optional<int64_t> version = OptionalVersion(body);
  body.erase("version");
  const auto& model = scoring::DefaultModel();
  auto input = Unwrap(scoring::ParseScoringInput(model, body));
  auto result = scoring::Score(model, input);
  json fields = {{"score", result.total},
                 {"segment", result.disqualified ? json(nullptr) : json(result.segment)},
                 {"disqualified", result.disqualified},
                 {"failed_knockouts", result.failed_knockouts},
                 {"score_blocks", result.block_totals}};
  Response res = RunEvent(ctx, {process::Event::Kind::kScored, "", "", fields}, version);
  json out = json::parse(res.body);
  out["scoring"] = scoring::ScoringResultToJson(result);
  return Response::Json(200, out);
}

// When to call a contact: our working time that is also 10:00–19:00 on a weekday for them.
Response CallWindows(Context& ctx) {
  int64_t id = ctx.IdParam();
  int days = 3;
  if (auto d = ctx.req.Query("days")) {
    if (d->empty() || d->size() > 2 || d->find_first_not_of("0123456789") != std::string::npos || std::stoi(*d) < 1 ||
        std::stoi(*d) > 14)
      Fail(Error::Invalid("days", "days must be from 1 to 14"));
    days = std::stoi(*d);
  }
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  const auto& contacts = *domain::FindEntity("contacts");
  RequireAccess(*tx, ctx, contacts, id, false);
  json contact = Unwrap(storage::GetRecord(*tx, contacts, id, ctx.now));
  std::string tz = contact["time_zone"].is_string() ? contact["time_zone"].get<std::string>() : "";
  // Our side is the department's calendar of the user asking (the company default without one).
  auto own = storage::UserCalendar(*tx, ctx.user().user_id);
  const auto& ours = own ? *own : process::BusinessCalendar::RussianDefault();
  json windows = json::array();
  for (const auto& [from, to] : process::BusinessCalendar::SuggestCallWindows(ctx.now, tz, ours, days))
    windows.push_back({{"from", FormatIso(from)}, {"to", FormatIso(to)}});
  return Response::Json(200, {{"contact_time_zone", tz.empty() ? json(nullptr) : json(tz)},
                              {"our_time_zone", std::string(ours.time_zone())},
                              {"windows", windows}});
}

Response ScoringModel(Context&) { return Response::Json(200, scoring::ModelToJson(scoring::DefaultModel())); }

Response ProcessOf(Context& ctx) {
  int64_t id = ctx.IdParam();
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  RequireAccess(*tx, ctx, Deals(), id, false);
  auto p = Unwrap(storage::LoadDealProcess(*tx, id));
  json definition = process::DefinitionToJson(*p.definition);
  json stage = nullptr;
  for (const auto& s : definition["stages"])
    if (s["code"] == p.state.stage) stage = s;
  json timers = json::array();
  for (const auto& [code, at] : p.state.timers) timers.push_back({{"code", code}, {"at", FormatIso(at)}});
  return Response::Json(200, {{"pipeline", p.pipeline},
                              {"pipeline_version", p.process_version},
                              {"stage", stage},
                              {"checked", p.state.checked},
                              {"fields", p.state.fields},
                              {"timers", timers},
                              {"lost_reasons", definition["lost_reasons"]}});
}

Response Timeline(Context& ctx) {
  int64_t id = ctx.IdParam();
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  RequireAccess(*tx, ctx, Deals(), id, false);
  json items = json::array();
  for (const auto& r : tx->Query("SELECT l.at, l.user_id, u.name, l.event, l.effect FROM process_log l LEFT JOIN users u "
                                 "ON u.id = l.user_id WHERE l.deal_id = ? ORDER BY l.id",
                                 {id})) {
    // One row per event, its effects one per line; the timeline lists each effect.
    std::string effects = r.Text(4);
    for (size_t from = 0; from < effects.size();) {  // an event without effects shows nothing
      size_t end = std::min(effects.find('\n', from), effects.size());
      items.push_back({{"at", FormatIso(r.Int(0))}, {"kind", "process"},
                       {"user_name", r.IsNull(2) ? json() : json(r.Text(2))}, {"event", r.Text(3)},
                       {"text", effects.substr(from, end - from)}});
      from = end + 1;
    }
  }
  for (const auto& r : tx->Query("SELECT a.occurred_at, a.type, a.goal, a.outcome, a.next_step, u.name, a.id, "
                                 "a.next_step_at, a.body FROM activities a LEFT JOIN users u ON u.id = a.author_id "
                                 "WHERE a.deal_id = ? AND a.archived = 0",
                                 {id}))
    items.push_back({{"at", FormatIso(r.Int(0))}, {"kind", "activity"}, {"id", r.Int(6)}, {"type", r.Text(1)},
                     {"text", r.Text(2)}, {"outcome", r.Text(3)}, {"next_step", r.Text(4)},
                     {"next_step_at", r.IsNull(7) ? json() : json(FormatIso(r.Int(7)))}, {"body", r.Text(8)},
                     {"user_name", r.IsNull(5) ? json() : json(r.Text(5))}});
  for (const auto& e : storage::AuditTrail(*tx, "deals", id))
    items.push_back({{"at", e["at"]}, {"kind", "change"}, {"user_name", e["user_name"]}, {"field", e["field"]},
                     {"old", e["old"]}, {"new", e["new"]}, {"action", e["action"]}});
  std::stable_sort(items.begin(), items.end(), [](const json& a, const json& b) {
    return a["at"].get<std::string>() < b["at"].get<std::string>();
  });
  return Response::Json(200, {{"items", items}});
}

Response Pipelines(Context& ctx) {
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  json items = json::array();
  std::set<std::string> seen;
  for (const auto& v : storage::ListDefinitionVersions(*tx, "")) {
    std::string code = v["code"];
    if (!seen.insert(code).second) continue;  // newest version first
    auto d = storage::GetDefinition(*tx, code);
    if (!d) continue;
    items.push_back({{"code", code}, {"version", v["version"]}, {"name", {{"ru", d->name.ru}, {"en", d->name.en}}}});
  }
  return Response::Json(200, {{"items", items}});
}

std::optional<int> VersionQuery(const Context& ctx, const char* name) {
  auto v = ctx.req.Query(name);
  if (!v) return std::nullopt;
  if (v->empty() || v->size() > 6 || v->find_first_not_of("0123456789") != std::string::npos)
    Fail(Error::Invalid(name, std::string(name) + " must be a version number"));
  return std::stoi(*v);
}

storage::DefinitionPtr RequireDefinition(storage::Tx& tx, const std::string& code, std::optional<int> version) {
  auto d = storage::GetDefinition(tx, code, version);
  if (!d)
    Fail(Error::NotFound("no pipeline '" + code + "'" + (version ? " version " + std::to_string(*version) : "")));
  return d;
}

Response Pipeline(Context& ctx) {
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  std::string code = ctx.params["code"];
  auto version = VersionQuery(ctx, "version");
  auto d = RequireDefinition(*tx, code, version);
  json out = process::DefinitionToJson(*d);
  out["version"] = version.value_or(storage::LatestDefinitionVersion(*tx, code).value_or(1));
  out["yaml"] = tx->Query("SELECT yaml FROM process_definitions WHERE code = ? AND version = ?",
                          {code, int64_t(out["version"].get<int>())})[0].Text(0);
  return Response::Json(200, out);
}

void RequireEditor(const Context& ctx) {
  auto role = ctx.user().role;
  if (role != domain::Role::kHead && role != domain::Role::kAdmin)
    Fail(Error::Forbidden("only the head of sales or an admin changes the process"));
}

Response Publish(Context& ctx) {
  RequireEditor(ctx);
  json body = ObjectBody(ctx);
  std::string yaml = RequireString(body, "yaml");
  if (yaml.size() > 512 * 1024) Fail(Error::Invalid("yaml", "a pipeline definition is at most 512 KiB"));
  storage::Published published;
  ctx.app.db.Write([&](storage::Tx& tx) {
    published = Unwrap(storage::PublishDefinition(tx, yaml, ctx.user().user_id, ctx.now));
    tx.Commit();
  });
  return Response::Json(201, {{"code", published.code}, {"version", published.version}});
}

Response Versions(Context& ctx) {
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  RequireDefinition(*tx, ctx.params["code"], std::nullopt);
  return Response::Json(200, {{"items", storage::ListDefinitionVersions(*tx, ctx.params["code"])}});
}

Response Diff(Context& ctx) {
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  std::string code = ctx.params["code"];
  int latest = storage::LatestDefinitionVersion(*tx, code).value_or(0);
  if (latest == 0) Fail(Error::NotFound("no pipeline '" + code + "'"));
  int to = VersionQuery(ctx, "to").value_or(latest);
  int from = VersionQuery(ctx, "from").value_or(std::max(1, to - 1));
  auto a = RequireDefinition(*tx, code, from), b = RequireDefinition(*tx, code, to);
  return Response::Json(200, {{"from", from}, {"to", to}, {"changes", process::DiffDefinitions(*a, *b)}});
}

Response MigrateRunning(Context& ctx) {
  RequireEditor(ctx);
  json body = ObjectBody(ctx);
  if (!body.contains("to_version") || !body["to_version"].is_number_integer())
    Fail(Error::Invalid("to_version", "to_version must be a version number"));
  storage::MigrationReport report;
  ctx.app.db.Write([&](storage::Tx& tx) {
    report = Unwrap(storage::MigrateCards(tx, ctx.params["code"], body["to_version"].get<int>(), ctx.user().user_id,
                                          ctx.now));
    tx.Commit();
  });
  return Response::Json(200, {{"migrated", report.migrated}, {"unmapped", report.unmapped}});
}

Response Notifications(Context& ctx) {
  bool unread = ctx.req.Query("unread").value_or("") == "true";
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  json items = json::array();
  for (const auto& r : tx->Query(std::string("SELECT id, deal_id, kind, message_ru, message_en, created_at, read_at FROM "
                                             "notifications WHERE user_id = ?") +
                                     (unread ? " AND read_at IS NULL" : "") + " ORDER BY id DESC LIMIT 100",
                                 {ctx.user().user_id}))
    items.push_back({{"id", r.Int(0)}, {"deal_id", r.IsNull(1) ? json() : json(r.Int(1))}, {"kind", r.Text(2)},
                     {"message", {{"ru", r.Text(3)}, {"en", r.Text(4)}}}, {"created_at", FormatIso(r.Int(5))},
                     {"read", !r.IsNull(6)}});
  auto count = tx->Query("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", {ctx.user().user_id});
  return Response::Json(200, {{"items", items}, {"unread", count[0].Int(0)}});
}

std::string NotificationEvent(const storage::Row& r) {
  json n = {{"id", r.Int(0)}, {"deal_id", r.IsNull(1) ? json() : json(r.Int(1))}, {"kind", r.Text(2)},
            {"message", {{"ru", r.Text(3)}, {"en", r.Text(4)}}}, {"created_at", FormatIso(r.Int(5))}};
  return "id: " + std::to_string(r.Int(0)) + "\nevent: notification\ndata: " + n.dump() + "\n\n";
}

// Live notifications as server-sent events: the unread count at once, then each new
// notification as it is stored. The stream ends after an hour; EventSource reconnects.
Response NotificationStream(Context& ctx) {
  int64_t user = ctx.user().user_id;
  int64_t last = 0;
  int64_t unread = 0;
  {
    auto tx = ctx.app.db.Begin(TxMode::kRead);
    last = tx->Query("SELECT COALESCE(MAX(id), 0) FROM notifications WHERE user_id = ?", {user})[0].Int(0);
    unread = tx->Query("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", {user})[0].Int(0);
  }
  if (auto from = ctx.req.Header("last-event-id"); from && !from->empty() &&
                                                    from->find_first_not_of("0123456789") == std::string::npos &&
                                                    from->size() < 18)
    last = std::min<int64_t>(last, std::stoll(*from));
  struct State {
    int64_t last;
    int polls = 0;
    bool greeted = false;
  };
  auto state = std::make_shared<State>(State{last});
  storage::Database* db = &ctx.app.db;
  Response res;
  res.stream = [db, user, unread, state]() -> std::optional<std::string> {
    if (++state->polls > 3600) return std::nullopt;
    std::string out;
    if (!state->greeted) {
      state->greeted = true;
      out += "retry: 3000\nevent: unread\ndata: " + json{{"unread", unread}}.dump() + "\n\n";
    }
    auto tx = db->Begin(TxMode::kRead);
    for (const auto& r : tx->Query("SELECT id, deal_id, kind, message_ru, message_en, created_at FROM notifications "
                                   "WHERE user_id = ? AND id > ? ORDER BY id LIMIT 100",
                                   {user, state->last})) {
      out += NotificationEvent(r);
      state->last = r.Int(0);
    }
    if (out.empty() && state->polls % 15 == 0) out = ": keep-alive\n\n";
    return out;
  };
  return res;
}

Response ReadNotification(Context& ctx) {
  int64_t id = ctx.IdParam();
  int64_t n = 0;
  ctx.app.db.Write([&](storage::Tx& tx) {
    n = tx.Exec("UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL",
                {ctx.now, id, ctx.user().user_id});
    tx.Commit();
  });
  return Response::Json(200, {{"ok", true}, {"changed", n}});
}

Response Deviations(Context& ctx) {
  auto scope = domain::ReadScope(ctx.user());
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  std::string where;
  if (scope) {
    std::string ids;
    for (auto u : *scope) ids += (ids.empty() ? "" : ",") + std::to_string(u);
    where = " WHERE d.user_id IN (" + (ids.empty() ? std::string("0") : ids) + ")";
  }
  json items = json::array();
  for (const auto& r : tx->Query("SELECT d.id, d.deal_id, d.code, d.user_id, u.name, d.message_ru, d.message_en, "
                                 "d.created_at FROM deviations d LEFT JOIN users u ON u.id = d.user_id" + where +
                                 " ORDER BY d.id DESC LIMIT 200"))
    items.push_back({{"id", r.Int(0)}, {"deal_id", r.Int(1)}, {"code", r.Text(2)},
                     {"user_id", r.IsNull(3) ? json() : json(r.Int(3))}, {"user_name", r.IsNull(4) ? json() : json(r.Text(4))},
                     {"message", {{"ru", r.Text(5)}, {"en", r.Text(6)}}}, {"created_at", FormatIso(r.Int(7))}});
  return Response::Json(200, {{"items", items}});
}

}  // namespace

void RegisterProcessRoutes(Router& r) {
  r.Add("GET", "/api/pipelines", Auth::kRequired, {.summary = "Pipelines (process definitions)", .tag = "process"},
        Pipelines);
  r.Add("GET", "/api/pipelines/{code}", Auth::kRequired,
        {.summary = "A pipeline version (newest, or ?version=): stages, scripts, checklists, lost reasons, YAML",
         .tag = "process", .query = {"version"}},
        Pipeline);
  r.Add("POST", "/api/pipelines", Auth::kRequired,
        {.summary = "Publish an edited pipeline YAML as its next version (head, admin); lint errors name the line",
         .tag = "process", .request_schema = "PipelinePublish", .success_status = 201},
        Publish);
  r.Add("GET", "/api/pipelines/{code}/versions", Auth::kRequired,
        {.summary = "Versions of a pipeline, newest first", .tag = "process"}, Versions);
  r.Add("GET", "/api/pipelines/{code}/diff", Auth::kRequired,
        {.summary = "What changed between two versions (?from=&to=)", .tag = "process", .query = {"from", "to"}}, Diff);
  r.Add("POST", "/api/pipelines/{code}/migrate", Auth::kRequired,
        {.summary = "Move running cards to a version; reports cards whose stage it lacks (head, admin)",
         .tag = "process", .request_schema = "PipelineMigrate"},
        MigrateRunning);
  r.Add("GET", "/api/deals/{id}/process", Auth::kRequired,
        {.summary = "The card's stage, script, checklist state and pending deadlines", .tag = "process"}, ProcessOf);
  r.Add("POST", "/api/deals/{id}/move", Auth::kRequired,
        {.summary = "Move the card to a stage; exit checks enforced (422 lists what is missing)", .tag = "process",
         .request_schema = "Move"},
        Move);
  r.Add("GET", "/api/scoring/model", Auth::kRequired,
        {.summary = "The scoring model: knock-outs, 3 blocks × 5 parameters (−1/0/+1), segments", .tag = "process"},
        ScoringModel);
  r.Add("POST", "/api/deals/{id}/score", Auth::kRequired,
        {.summary = "Score the lead; the segment routes it (C: rejection, B: next meeting, A: working group)",
         .tag = "process", .request_schema = "Scoring"},
        ScoreDeal);
  r.Add("POST", "/api/deals/{id}/check", Auth::kRequired,
        {.summary = "Tick (or untick) a checklist item of the current stage", .tag = "process", .request_schema = "Check"},
        CheckItem);
  r.Add("POST", "/api/deals/{id}/lost", Auth::kRequired,
        {.summary = "Record a lost reason; its follow-up runs (task, return to a stage, or close)", .tag = "process",
         .request_schema = "Lost"},
        Lost);
  r.Add("POST", "/api/deals/{id}/fields", Auth::kRequired,
        {.summary = "Record process fields (proposal date, decision maker, …)", .tag = "process",
         .request_schema = "ProcessFields"},
        Fields);
  r.Add("POST", "/api/deals/{id}/events", Auth::kRequired,
        {.summary = "An external event on the card (proposal_opened, form_received, call_logged, …)",
         .tag = "process", .request_schema = "ExternalEvent"},
        External);
  r.Add("GET", "/api/deals/{id}/timeline", Auth::kRequired,
        {.summary = "The card's timeline: process steps, activities and changes", .tag = "process"}, Timeline);
  r.Add("GET", "/api/notifications", Auth::kRequired,
        {.summary = "My notifications (newest first) and the unread count", .tag = "process", .query = {"unread"}},
        Notifications);
  r.Add("GET", "/api/contacts/{id}/call_windows", Auth::kRequired,
        {.summary = "Convenient call times: our working hours that are the client's daytime (?days=1..14)",
         .tag = "process", .query = {"days"}},
        CallWindows);
  r.Add("GET", "/api/notifications/stream", Auth::kRequired,
        {.summary = "Live notifications (text/event-stream): unread count, then each new one", .tag = "process"},
        NotificationStream);
  r.Add("POST", "/api/notifications/{id}/read", Auth::kRequired,
        {.summary = "Mark a notification read", .tag = "process"}, ReadNotification);
  r.Add("GET", "/api/deviations", Auth::kRequired,
        {.summary = "Deviations from the process (missed deadlines) in my scope", .tag = "process"}, Deviations);
}

}  // namespace voronka::http
