// POST /api/intake: a lead from a channel, idempotent under the Idempotency-Key header.

#include "http/api.h"
#include "http/idempotency.h"
#include "intake/intake.h"

namespace voronka::http {

namespace {
Response Intake(Context& ctx) {
  auto role = ctx.user().role;
  if (role == domain::Role::kOwner || role == domain::Role::kCurator)
    Fail(Error::Forbidden("the " + std::string(domain::RoleName(role)) + " role does not take leads"));
  auto req = Unwrap(intake::ParseIntake(ctx.JsonBody()));
  return IdempotentWrite(ctx, [&](storage::Tx& tx) {
    auto result = Unwrap(intake::RunIntake(tx, req, ctx.user(), ctx.now));
    return Response::Json(201, {{"deal", result.deal},
                                {"contact", result.contact},
                                {"contact_created", result.contact_created}});
  });
}
}  // namespace

void RegisterIntakeRoutes(Router& r) {
  r.Add("POST", "/api/intake", Auth::kRequired,
        {.summary = "Take a lead from a channel (site form, e-mail, phone, messenger); Idempotency-Key honoured",
         .tag = "intake", .request_schema = "Intake", .response_schema = "IntakeResult", .success_status = 201},
        Intake);
}

}  // namespace voronka::http
