// Health, the no-op route for load tests, the API description and reference data.

#include "domain/stages.h"
#include "http/api.h"

namespace voronka::http {

void RegisterMetaRoutes(Router& r) {
  r.Add("GET", "/api/health", Auth::kPublic, {.summary = "Liveness: the server answers", .tag = "meta"},
        [](Context&) { return Response::Json(200, {{"status", "ok"}}); });
  r.Add("GET", "/api/ping", Auth::kPublic, {.summary = "No-op route (load-test ceiling)", .tag = "meta"},
        [](Context&) { return Response::Json(200, {{"pong", true}}); });
  r.Add("GET", "/api/openapi.json", Auth::kPublic, {.summary = "This API description (OpenAPI 3)", .tag = "meta"},
        [&r](Context&) {
          static const std::string doc = BuildOpenApi(r).dump(2);
          Response res;
          res.body = doc;
          return res;
        });
  r.Add("GET", "/api/stages", Auth::kRequired,
        {.summary = "Stages of the reference pipeline", .tag = "meta"}, [](Context&) {
          nlohmann::json items = nlohmann::json::array();
          for (const auto& s : domain::ReferenceStages())
            items.push_back({{"code", s.code}, {"name_ru", s.name_ru}, {"name_en", s.name_en}});
          return Response::Json(200, {{"items", items}});
        });
}

}  // namespace voronka::http
