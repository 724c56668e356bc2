// Health, the no-op route for load tests, the API description and reference data.

#include "storage/definitions_store.h"
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
        {.summary = "Stages of a pipeline (?pipeline=, default it_studio), newest version", .tag = "meta",
         .query = {"pipeline"}},
        [](Context& ctx) {
          std::string code = ctx.req.Query("pipeline").value_or("it_studio");
          auto tx = ctx.app.db.Begin(storage::TxMode::kRead);
          auto d = storage::GetDefinition(*tx, code);
          if (!d) Fail(Error::NotFound("no pipeline '" + code + "'"));
          nlohmann::json items = nlohmann::json::array();
          for (const auto& s : d->stages)
            items.push_back({{"code", s.code}, {"name_ru", s.name.ru}, {"name_en", s.name.en}, {"kind", s.kind}});
          return Response::Json(200, {{"items", items}});
        });
}

}  // namespace voronka::http
