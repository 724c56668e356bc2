// The generic records API: companies, contacts, deals, activities, tasks, teams.
// parse → check access → store → serialise; the rules live in domain/ and storage/.

#include "domain/access.h"
#include "domain/validate.h"
#include "http/api.h"
#include "http/handlers/deal_access.h"
#include "http/handlers/list_query.h"
#include "http/idempotency.h"
#include "process/work_time.h"
#include "storage/definitions_store.h"
#include "storage/process_store.h"
#include "storage/records.h"

namespace voronka::http {

namespace {
using domain::EntitySpec;
using nlohmann::json;
using storage::TxMode;

std::string Singular(const EntitySpec& spec) { return std::string(spec.singular); }

// The owner field may be left out (it becomes the caller) but may name only users the
// caller may assign to.
void CheckOwner(const Context& ctx, const EntitySpec& spec, domain::FieldValues& values, bool creating) {
  if (spec.owner_field.empty()) return;
  const domain::FieldSpec* owner = spec.Find(spec.owner_field);
  if (owner->server) {
    if (creating) domain::SetValue(values, owner, ctx.user().user_id);
    return;
  }
  const json* v = domain::FindValue(values, spec.owner_field);
  if (!v) {
    if (creating) domain::SetValue(values, owner, ctx.user().user_id);
    return;
  }
  if (v->is_null()) {
    if (domain::WriteScope(ctx.user())) Fail(Error::Forbidden(std::string(spec.owner_field) + " may not be cleared by you"));
    return;
  }
  if (!domain::InScope(domain::WriteScope(ctx.user()), v->get<int64_t>()))
    Fail(Error::Forbidden("you may not assign " + std::string(spec.name) + " to user " +
                          std::to_string(v->get<int64_t>())));
}

// A record that belongs to a deal may be attached only to a deal the caller can see.
void CheckDealLink(storage::Tx& tx, const Context& ctx, const EntitySpec& spec, const domain::FieldValues& values) {
  if (spec.deal_field.empty()) return;
  const json* deal = domain::FindValue(values, spec.deal_field);
  if (!deal || deal->is_null()) return;
  const EntitySpec& deals = *domain::FindEntity("deals");
  int64_t id = deal->get<int64_t>();
  if (!storage::GetRecord(tx, deals, id, ctx.now).ok())
    Fail(Error::Unprocessable(std::string(spec.deal_field), std::string(spec.deal_field) + " " + std::to_string(id) + ": no such deal"));
  if (!storage::IsVisible(tx, deals, id, domain::ReadScope(ctx.user())))
    Fail(Error::Forbidden("you have no access to deal " + std::to_string(id)));
}

Response List(Context& ctx, const EntitySpec& spec) {
  auto q = ParseListQuery(ctx, spec);
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  auto page = Unwrap(storage::ListRecords(*tx, spec, q, domain::ReadScope(ctx.user()), ctx.now));
  return Response::Json(200, {{"items", page.items},
                              {"next_cursor", page.next_cursor ? json(*page.next_cursor) : json(nullptr)}});
}

// A deal's pipeline must exist and its stage belong to it.
void CheckPipelineStage(storage::Tx& tx, const EntitySpec& spec, const domain::FieldValues& values) {
  if (spec.name != "deals") return;
  std::string pipeline = domain::FindValue(values, "pipeline")->get<std::string>();
  std::string stage = domain::FindValue(values, "stage")->get<std::string>();
  auto def = storage::GetDefinition(tx, pipeline);
  if (!def) Fail(Error::Unprocessable("pipeline", "no pipeline '" + pipeline + "'"));
  if (!def->FindStage(stage)) Fail(Error::Unprocessable("stage", "no stage '" + stage + "' in pipeline " + pipeline));
}

// Stage and status follow the process: they change through POST /api/deals/{id}/move or /lost.
void RefuseProcessFields(const EntitySpec& spec, const domain::FieldValues& values) {
  if (spec.name != "deals") return;
  for (const char* f : {"stage", "status", "lost_reason"})
    if (domain::FindValue(values, f))
      Fail(Error::Invalid(f, std::string(f) +
                                 " changes through the process: POST /api/deals/{id}/move (exit checks) or /lost"));
}

Response Create(Context& ctx, const EntitySpec& spec) {
  json body = ctx.JsonBody();
  auto values = Unwrap(domain::ValidateCreate(spec, body));
  Check(domain::CheckWrite(ctx.user(), spec, domain::Action::kCreate, &values));
  CheckOwner(ctx, spec, values, true);
  return IdempotentWrite(ctx, [&](storage::Tx& tx) {
    CheckPipelineStage(tx, spec, values);
    CheckDealLink(tx, ctx, spec, values);
    auto record = Unwrap(storage::CreateRecord(tx, spec, values, {ctx.user().user_id, ctx.now}));
    return Response::Json(201, record);
  });
}

Response Get(Context& ctx, const EntitySpec& spec) {
  int64_t id = ctx.IdParam();
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  RequireAccess(*tx, ctx, spec, id, false);
  return Response::Json(200, Unwrap(storage::GetRecord(*tx, spec, id, ctx.now)));
}

Response Patch(Context& ctx, const EntitySpec& spec) {
  int64_t id = ctx.IdParam();
  json body = ctx.JsonBody();
  int64_t version = 0;
  auto values = Unwrap(domain::ValidatePatch(spec, body, &version));
  RefuseProcessFields(spec, values);
  Check(domain::CheckWrite(ctx.user(), spec, domain::Action::kUpdate, &values));
  CheckOwner(ctx, spec, values, false);
  json record;
  ctx.app.db.Write([&](storage::Tx& tx) {
    RequireAccess(tx, ctx, spec, id, true);
    CheckDealLink(tx, ctx, spec, values);
    json before = spec.name == "tasks" ? Unwrap(storage::GetRecord(tx, spec, id, ctx.now)) : json();
    record = Unwrap(storage::UpdateRecord(tx, spec, id, version, values, {ctx.user().user_id, ctx.now}));
    // A process task done: the engine hears of it (a checkpoint is met, the next task may follow).
    if (spec.name == "tasks" && !before["done"].get<bool>() && record["done"].get<bool>() &&
        record["kind"].is_string() && record["deal_id"].is_number_integer()) {
      process::Event done{process::Event::Kind::kTaskDone, "", record["kind"].get<std::string>(), json::object()};
      auto r = storage::RunProcessEvent(tx, record["deal_id"].get<int64_t>(), done, std::nullopt,
                                        {ctx.user().user_id, ctx.now}, process::DefaultWorkTime());
      if (!r.ok() && r.error().code == Code::kConflict) Fail(r.error());  // closed cards simply ignore it
    }
    tx.Commit();
  });
  return Response::Json(200, record);
}

Response Archive(Context& ctx, const EntitySpec& spec, bool archived) {
  int64_t id = ctx.IdParam();
  int64_t version = Unwrap(domain::RequireVersion(ctx.JsonBody()));
  Check(domain::CheckWrite(ctx.user(), spec, domain::Action::kArchive, nullptr));
  json record;
  ctx.app.db.Write([&](storage::Tx& tx) {
    RequireAccess(tx, ctx, spec, id, true);
    record = Unwrap(storage::SetArchived(tx, spec, id, version, archived, {ctx.user().user_id, ctx.now}));
    tx.Commit();
  });
  return Response::Json(200, record);
}

Response Audit(Context& ctx, const EntitySpec& spec) {
  int64_t id = ctx.IdParam();
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  RequireAccess(*tx, ctx, spec, id, false);
  return Response::Json(200, {{"items", storage::AuditTrail(*tx, spec.name, id)}});
}

}  // namespace

void RequireAccess(storage::Tx& tx, const Context& ctx, const EntitySpec& spec, int64_t id, bool write) {
  if (!storage::GetRecord(tx, spec, id, ctx.now).ok())
    Fail(Error::NotFound("no " + Singular(spec) + " with id " + std::to_string(id)));
  auto scope = write ? domain::WriteScope(ctx.user()) : domain::ReadScope(ctx.user());
  if (!storage::IsVisible(tx, spec, id, scope))
    Fail(Error::Forbidden("you have no access to " + Singular(spec) + " " + std::to_string(id)));
}

void RegisterEntityRoutes(Router& r, const EntitySpec& spec, bool with_writes) {
  std::string base = "/api/" + std::string(spec.name);
  std::string schema = std::string(spec.singular);
  schema[0] = static_cast<char>(std::toupper(schema[0]));
  const EntitySpec* s = &spec;
  r.Add("GET", base, Auth::kRequired,
        {.summary = "List " + std::string(spec.name) + " (filters, search, sort, cursor pages)",
         .tag = std::string(spec.name), .response_schema = schema + "Page", .query = ListQueryNames(spec)},
        [s](Context& c) { return List(c, *s); });
  r.Add("GET", base + "/{id}", Auth::kRequired,
        {.summary = "Read one " + Singular(spec), .tag = std::string(spec.name), .response_schema = schema},
        [s](Context& c) { return Get(c, *s); });
  r.Add("GET", base + "/{id}/audit", Auth::kRequired,
        {.summary = "Change history of a " + Singular(spec), .tag = std::string(spec.name)},
        [s](Context& c) { return Audit(c, *s); });
  if (!with_writes) return;
  r.Add("POST", base, Auth::kRequired,
        {.summary = "Create a " + Singular(spec) + " (Idempotency-Key honoured)", .tag = std::string(spec.name),
         .request_schema = schema + "Create", .response_schema = schema, .success_status = 201},
        [s](Context& c) { return Create(c, *s); });
  r.Add("PATCH", base + "/{id}", Auth::kRequired,
        {.summary = "Change fields of a " + Singular(spec) + " (send the version you read)",
         .tag = std::string(spec.name), .request_schema = schema + "Patch", .response_schema = schema},
        [s](Context& c) { return Patch(c, *s); });
  r.Add("POST", base + "/{id}/archive", Auth::kRequired,
        {.summary = "Archive a " + Singular(spec), .tag = std::string(spec.name), .request_schema = "VersionBody",
         .response_schema = schema},
        [s](Context& c) { return Archive(c, *s, true); });
  r.Add("POST", base + "/{id}/restore", Auth::kRequired,
        {.summary = "Restore an archived " + Singular(spec), .tag = std::string(spec.name),
         .request_schema = "VersionBody", .response_schema = schema},
        [s](Context& c) { return Archive(c, *s, false); });
}

void RegisterRecordRoutes(Router& r) {
  for (const EntitySpec* spec : domain::RecordEntities()) RegisterEntityRoutes(r, *spec, true);
}

}  // namespace voronka::http
