#pragma once
// The Voronka HTTP API: every route, authentication, and the one path by which errors
// reach the client ({"error": {"code", "message", "field"?}} with the status from
// common/error.h; anything unexpected is logged and becomes a 500).

#include <memory>

#include "http/context.h"
#include "http/router.h"

namespace voronka::http {

class Api {
 public:
  explicit Api(Services& services);
  Response Handle(const Request& req);
  const Router& router() const { return router_; }

 private:
  // *route: the matched route's pattern, for metrics (unchanged when nothing matched).
  Response Dispatch(const Request& req, const std::string** route);
  void Authenticate(Context& ctx);

  Services& app_;
  Router router_;
};

// Route registration, one function per area (handlers/*.cc).
void RegisterMetaRoutes(Router& router);
void RegisterAuthRoutes(Router& router);
void RegisterUserRoutes(Router& router);
void RegisterRecordRoutes(Router& router);
void RegisterIntakeRoutes(Router& router);
void RegisterProcessRoutes(Router& router);
void RegisterCalendarRoutes(Router& router);
void RegisterDepartmentCalendarRoutes(Router& router);  // handlers/department_calendar.cc
void RegisterAnalyticsRoutes(Router& router);  // handlers/analytics.cc: plan, motivation
// /healthz, /readyz, /metrics (handlers/ops.cc): outside /api, never answered by the SPA.
void RegisterOpsRoutes(Router& router);
bool IsOpsPath(const std::string& path);

// The OpenAPI 3 document generated from the route table and the entity specs.
nlohmann::json BuildOpenApi(const Router& router);

// Serves the built SPA from web_root: files with caching headers, other paths → index.html.
Response ServeStatic(const std::string& web_root, const Request& req);

}  // namespace voronka::http
