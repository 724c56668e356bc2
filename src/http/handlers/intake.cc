// POST /api/intake: a lead from a channel, idempotent under the Idempotency-Key header.
// The site form (web/public/form.js) posts here from the company's website with an
// intake-scoped token; OPTIONS answers the browser's CORS preflight for it.

#include "common/time.h"
#include "http/api.h"
#include "http/idempotency.h"
#include "intake/intake.h"

namespace voronka::http {

namespace {
using nlohmann::json;

// A site-form visitor must agree to the processing of personal data: an intake-scoped token
// must send consent: true. The moment is kept with the lead's marks (utm.consent_at) and, with
// its source, on the contact (intake::RunIntake).
void TakeConsent(json& body, bool required, TimeMs now) {
  if (!body.is_object()) return;
  auto it = body.find("consent");
  bool given = it != body.end() && it->is_boolean() && it->get<bool>();
  if (it != body.end() && !it->is_boolean()) Fail(Error::Invalid("consent", "consent must be true or false"));
  if (required && !given)
    Fail(Error::Invalid("consent", "the visitor's consent to the processing of personal data is required"));
  if (!given) return;
  if (!body.contains("utm") || body["utm"].is_null()) body["utm"] = json::object();
  if (body["utm"].is_object()) body["utm"]["consent_at"] = FormatIso(now);
}

Response Intake(Context& ctx) {
  const auto& user = ctx.user();
  if (user.role == domain::Role::kOwner || user.role == domain::Role::kCurator)
    Fail(Error::Forbidden("the " + std::string(domain::RoleName(user.role)) + " role does not take leads"));
  json body = ctx.JsonBody();
  TakeConsent(body, user.intake_only, ctx.now);
  auto req = Unwrap(intake::ParseIntake(body));
  return IdempotentWrite(ctx, [&](storage::Tx& tx) {
    auto result = Unwrap(intake::RunIntake(tx, req, user, ctx.now));
    // Anyone can read a site form's token, so its answer reveals nothing stored: an existing
    // contact found by the visitor's phone or e-mail must not be handed back.
    if (user.intake_only) return Response::Json(201, {{"accepted", true}});
    return Response::Json(201, {{"deal", result.deal},
                                {"contact", result.contact},
                                {"contact_created", result.contact_created}});
  });
}

Response IntakePreflight(Context&) {
  Response res;
  res.status = 204;
  res.headers.emplace_back("Access-Control-Allow-Methods", "POST, OPTIONS");
  res.headers.emplace_back("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key");
  res.headers.emplace_back("Access-Control-Max-Age", "86400");
  return res;
}
}  // namespace

void RegisterIntakeRoutes(Router& r) {
  r.Add("POST", "/api/intake", Auth::kRequired,
        {.summary = "Take a lead from a channel (site form, e-mail, phone, messenger); Idempotency-Key honoured. "
                    "An intake-scoped token (the site form's) must send consent: true and gets {accepted: true}",
         .tag = "intake", .request_schema = "Intake", .response_schema = "IntakeResult", .success_status = 201},
        Intake);
  r.Add("OPTIONS", "/api/intake", Auth::kPublic,
        {.summary = "CORS preflight for the site form: any origin may POST with Authorization, Content-Type and "
                    "Idempotency-Key",
         .tag = "intake", .success_status = 204},
        IntakePreflight);
}

}  // namespace voronka::http
