// Operations routes outside /api: liveness, readiness and Prometheus metrics. They are public
// (a load balancer and Prometheus call them without credentials); keep them behind the
// firewall or the reverse proxy like the rest of the server's internals.

#include "http/api.h"
#include "ops/metrics.h"
#include "storage/migrate.h"

namespace voronka::http {

bool IsOpsPath(const std::string& path) { return path == "/healthz" || path == "/readyz" || path == "/metrics"; }

void RegisterOpsRoutes(Router& r) {
  r.Add("GET", "/healthz", Auth::kPublic,
        {.summary = "Liveness: the process is up and answers (touches nothing else)", .tag = "ops"},
        [](Context&) { return Response::Json(200, {{"status", "ok"}}); });
  r.Add("GET", "/readyz", Auth::kPublic,
        {.summary = "Readiness: the database answers and its schema is current; 503 with the reason otherwise",
         .tag = "ops"},
        [](Context& ctx) {
          int latest = storage::LatestSchemaVersion();
          try {
            auto tx = ctx.app.db.Begin(storage::TxMode::kRead);
            int current = static_cast<int>(tx->Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0].Int(0));
            if (current != latest)
              return Response::Json(503, {{"status", "not ready"},
                                          {"reason", "database schema is at version " + std::to_string(current) +
                                                         ", this build needs " + std::to_string(latest)},
                                          {"schema_version", current}});
            return Response::Json(200, {{"status", "ready"}, {"schema_version", current}});
          } catch (const std::exception& e) {
            return Response::Json(503, {{"status", "not ready"}, {"reason", std::string("database: ") + e.what()}});
          }
        });
  r.Add("GET", "/metrics", Auth::kPublic,
        {.summary = "Prometheus metrics: requests and latency per route, outbox and timer backlogs, DB pool",
         .tag = "ops"},
        [](Context& ctx) {
          Response res;
          res.content_type = "text/plain; version=0.0.4; charset=utf-8";
          res.body = ops::RenderMetrics(ctx.app.db, ctx.now);
          return res;
        });
}

}  // namespace voronka::http
