#include "http/api.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/random.h"
#include "ops/metrics.h"
#include "storage/auth_store.h"

namespace voronka::http {

namespace {
constexpr const char* kSessionCookie = "voronka_session";

// The one route a site form's (intake-scoped) token may use, and the one open to other origins.
bool IntakeRoute(const Request& req) { return req.path == "/api/intake"; }

// On every answer. The web UI runs only its own script files (no inline script, no eval); inline
// style attributes stay allowed (the UI sets positions and colours through them). JSON answers
// may load nothing at all. Nobody may frame us (clickjacking); links leak no path to other sites.
void AddSecurityHeaders(Response& res, bool api) {
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  res.headers.emplace_back("X-Frame-Options", "DENY");
  res.headers.emplace_back("Referrer-Policy", "same-origin");
  if (api) {
    res.headers.emplace_back("Cache-Control", "no-store");
    res.headers.emplace_back("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  } else {
    res.headers.emplace_back("Content-Security-Policy",
                             "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                             "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
                             "form-action 'self'; frame-ancestors 'none'");
  }
}
}  // namespace

void RegisterBoardRoutes(Router& router);  // handlers/board.cc
void RegisterRoutingRoutes(Router& router);  // handlers/routing.cc
void RegisterAnalyticsFunnelRoutes(Router& router);  // handlers/analytics_funnel.cc
void RegisterAnalyticsMonitorRoutes(Router& router);  // handlers/analytics_monitor.cc
void RegisterAnalyticsDeviationRoutes(Router& router);  // handlers/analytics_deviations.cc
void RegisterPersonalDataRoutes(Router& router);  // handlers/personal_data.cc

Api::Api(Services& services) : app_(services) {
  RegisterMetaRoutes(router_);
  RegisterAuthRoutes(router_);
  RegisterUserRoutes(router_);
  RegisterRecordRoutes(router_);
  RegisterIntakeRoutes(router_);
  RegisterProcessRoutes(router_);
  RegisterCalendarRoutes(router_);
  RegisterBoardRoutes(router_);
  RegisterDepartmentCalendarRoutes(router_);
  RegisterAnalyticsRoutes(router_);
  RegisterAnalyticsFunnelRoutes(router_);
  RegisterAnalyticsMonitorRoutes(router_);
  RegisterAnalyticsDeviationRoutes(router_);
  RegisterPersonalDataRoutes(router_);
  RegisterRoutingRoutes(router_);
  RegisterOpsRoutes(router_);
}

Response Api::Handle(const Request& req) {
  bool api = req.path.rfind("/api/", 0) == 0 || req.path == "/api";
  auto started = std::chrono::steady_clock::now();
  static const std::string kStatic = "static", kUnmatched = "unmatched";
  const std::string* route = &kUnmatched;
  Response res;
  if (!api && !app_.config.web_root.empty() && (req.method == "GET" || req.method == "HEAD") && !IsOpsPath(req.path)) {
    res = ServeStatic(app_.config.web_root, req);
    route = &kStatic;
  } else {
    res = Dispatch(req, &route);
  }
  // The site form posts from the company's own website: its one route is open to any origin
  // (credentials travel in the Authorization header, never as cookies).
  if (IntakeRoute(req)) {
    res.headers.emplace_back("Access-Control-Allow-Origin", "*");
    res.headers.emplace_back("Access-Control-Expose-Headers", "Idempotent-Replayed");
  }
  AddSecurityHeaders(res, api);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ops::Metrics::Global().RecordRequest(req.method, *route, res.status, seconds);
  // The path only: query strings may carry secrets (?token= of the calendar feed) and phones (?q=).
  spdlog::debug("{} {} {} {:.1f} ms", req.method, req.path, res.status, seconds * 1000);
  return res;
}

void Api::Authenticate(Context& ctx) {
  auto tx = app_.db.Begin(storage::TxMode::kRead);
  std::optional<int64_t> user_id;
  bool intake_only = false;
  if (auto authz = ctx.req.Header("authorization")) {
    const std::string prefix = "Bearer ";
    if (authz->rfind(prefix, 0) != 0) Fail(Error::Unauthenticated("Authorization header must be 'Bearer <token>'"));
    auto grant = storage::FindApiToken(*tx, Sha256Hex(authz->substr(prefix.size())));
    if (!grant) Fail(Error::Unauthenticated("API token is unknown or revoked"));
    user_id = grant->user_id;
    intake_only = grant->scope == storage::kTokenScopeIntake;
  } else if (auto cookie = ctx.req.Cookie(kSessionCookie)) {
    ctx.session_hash = Sha256Hex(*cookie);
    user_id = storage::SessionUser(*tx, ctx.session_hash, ctx.now);
    if (!user_id) Fail(Error::Unauthenticated("your session has expired; log in again"));
    // Cookie-authenticated writes must come from our own pages (CSRF defence).
    if (ctx.req.method != "GET" && ctx.req.method != "HEAD") {
      auto origin = ctx.req.Header("origin");
      auto host = ctx.req.Header("host");
      if (origin && host && *origin != "http://" + *host && *origin != "https://" + *host)
        Fail(Error::Forbidden("cross-site request refused (Origin " + *origin + ")"));
    }
  } else {
    Fail(Error::Unauthenticated("log in first: no session cookie or API token was sent"));
  }
  ctx.principal = storage::LoadPrincipal(*tx, *user_id);
  if (!ctx.principal) Fail(Error::Unauthenticated("this user is deactivated"));
  ctx.principal->via_token = ctx.session_hash.empty();
  ctx.principal->intake_only = intake_only;
}

Response Api::Dispatch(const Request& req, const std::string** route) {
  Match m = router_.Find(req.method, req.path);
  if (m.route) *route = &m.route->pattern;
  if (!m.route) {
    if (m.path_exists)
      return Response::FromError(Error{Code::kMethodNotAllowed, "method " + req.method + " is not allowed on " + req.path, "", nullptr});
    return Response::FromError(Error::NotFound("no route " + req.method + " " + req.path));
  }
  Context ctx{req, app_, std::move(m.params), std::nullopt, "", app_.clock.NowMs()};
  try {
    if (m.route->auth == Auth::kRequired) Authenticate(ctx);
    if (m.route->auth == Auth::kOptional && (req.Header("authorization") || req.Cookie("voronka_session")))
      Authenticate(ctx);
    if (ctx.principal && ctx.principal->intake_only && !(req.method == "POST" && IntakeRoute(req)))
      Fail(Error::Forbidden("this token may only post leads to POST /api/intake"));
    return m.route->handler(ctx);
  } catch (const ErrorException& e) {
    if (e.error.code == Code::kInternal) spdlog::error("{} {}: {}", req.method, req.path, e.error.message);
    return Response::FromError(e.error);
  } catch (const storage::DbError& e) {
    if (e.kind() == storage::DbError::Kind::kUnique)
      return Response::FromError(Error::Conflict("a record with the same unique value already exists"));
    spdlog::error("{} {}: database error: {}", req.method, req.path, e.what());
    if (e.kind() == storage::DbError::Kind::kUnavailable)
      return Response::FromError(Error{Code::kUnavailable, "the database is unavailable; try again shortly", "", nullptr});
    return Response::FromError(Error{Code::kInternal, "internal error", "", nullptr});
  } catch (const std::exception& e) {
    spdlog::error("{} {}: {}", req.method, req.path, e.what());
    return Response::FromError(Error{Code::kInternal, "internal error", "", nullptr});
  }
}

}  // namespace voronka::http
