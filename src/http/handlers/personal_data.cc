// A person's data on request (152-FZ, GDPR): GET /api/contacts/{id}/export hands over
// everything held about a contact as a JSON file; POST /api/contacts/{id}/erase erases it.
//
// Who: an admin, or a head of sales for contacts of their teams (the people who answer a
// data subject's request for the company). Managers, curators, the owner and integration
// tokens may not: an export holds deals outside a manager's own, and an erasure cannot be undone.

#include "domain/access.h"
#include "http/api.h"
#include "http/handlers/deal_access.h"
#include "storage/personal_data.h"

namespace voronka::http {

namespace {
using nlohmann::json;

void RequireDataOfficer(const Context& ctx, const char* what) {
  const auto& user = ctx.user();
  if (user.role == domain::Role::kAdmin || user.role == domain::Role::kHead) return;
  Fail(Error::Forbidden(std::string("only an admin or a head of sales may ") + what + " a contact's personal data"));
}

const domain::EntitySpec& Contacts() { return *domain::FindEntity("contacts"); }

Response Export(Context& ctx) {
  RequireDataOfficer(ctx, "export");
  int64_t id = ctx.IdParam();
  auto tx = ctx.app.db.Begin(storage::TxMode::kRead);
  RequireAccess(*tx, ctx, Contacts(), id, true);
  Response res = Response::Json(200, Unwrap(storage::ExportContactData(*tx, id, ctx.now)));
  res.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"contact-" + std::to_string(id) + "-personal-data.json\"");
  return res;
}

Response Erase(Context& ctx) {
  RequireDataOfficer(ctx, "erase");
  int64_t id = ctx.IdParam();
  int64_t version = Unwrap(domain::RequireVersion(ctx.JsonBody()));
  storage::ErasureReport report;
  ctx.app.db.Write([&](storage::Tx& tx) {
    RequireAccess(tx, ctx, Contacts(), id, true);
    auto current = Unwrap(storage::GetRecord(tx, Contacts(), id, ctx.now));
    // Erased before: the same answer again, whatever version is sent.
    if (current["erased_at"].is_null() && current["version"].get<int64_t>() != version) {
      Error err = Error::Conflict("contact " + std::to_string(id) + " was changed by someone else (version " +
                                  std::to_string(current["version"].get<int64_t>()) + ", you sent " +
                                  std::to_string(version) + "); reload and check it is the right person");
      err.extra = {{"current", current}};
      Fail(err);
    }
    report = Unwrap(storage::EraseContact(tx, id, {ctx.user().user_id, ctx.now}));
    tx.Commit();
  });
  return Response::Json(200, {{"contact", report.contact},
                              {"already_erased", report.already_erased},
                              {"erased", {{"deals", report.deals}, {"activities", report.activities},
                                          {"tasks", report.tasks}, {"audit_entries", report.audit_entries}}}});
}
}  // namespace

void RegisterPersonalDataRoutes(Router& r) {
  r.Add("GET", "/api/contacts/{id}/export", Auth::kRequired,
        {.summary = "Everything held about a contact (record, consent, identities, company, deals with their "
                    "activities, tasks, timeline and changes) as a JSON file; admin or head",
         .tag = "contacts"},
        Export);
  r.Add("POST", "/api/contacts/{id}/erase", Auth::kRequired,
        {.summary = "Erase a contact's personal data on request (name, phones, e-mails, notes, free text about "
                    "them, search text, values in the audit); deals keep money and stages; the erasure is "
                    "audited; idempotent; admin or head",
         .tag = "contacts", .request_schema = "VersionBody"},
        Erase);
}

}  // namespace voronka::http
