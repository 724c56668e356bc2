// The served API description: valid OpenAPI 3, and every documented operation is a real
// route of the running server (and vice versa, see src/http/openapi_test.cc).

#include "fixture.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

class OpenApiTest : public ApiTest {};

TEST_F(OpenApiTest, DocumentDescribesEveryServedRoute) {
  auto anon = Anonymous();
  auto doc = anon->Get("/api/openapi.json");
  ASSERT_EQ(doc.status, 200);
  json d = doc.json();
  EXPECT_EQ(d["openapi"], "3.0.3");
  ASSERT_TRUE(d["paths"].is_object());
  EXPECT_GE(d["paths"].size(), 20u);
  // A token, so that calling POST /api/auth/logout does not end the session under test.
  auto token = As("admin@test.ru")->Post("/api/tokens", {{"name", "openapi"}}).json()["token"].get<std::string>();
  auto admin = Anonymous();
  admin->SetBearer(token);
  int operations = 0;
  for (auto& [path, ops] : d["paths"].items()) {
    for (auto& [method, op] : ops.items()) {
      ++operations;
      EXPECT_FALSE(op["summary"].get<std::string>().empty()) << method << " " << path;
      EXPECT_TRUE(op["responses"].is_object()) << method << " " << path;
      std::string concrete = path;
      for (size_t p; (p = concrete.find("{id}")) != std::string::npos;) concrete.replace(p, 4, "1");
      std::string upper = method;
      for (auto& ch : upper) ch = static_cast<char>(std::toupper(ch));
      auto r = admin->Request(upper, concrete, upper == "GET" ? "" : "{}");
      // Any answer but "no route" proves the server serves the documented operation.
      bool missing = r.status == 404 && r.json()["error"]["message"].get<std::string>().rfind("no route", 0) == 0;
      EXPECT_FALSE(missing) << method << " " << path;
      EXPECT_NE(r.status, 405) << method << " " << path;
    }
  }
  EXPECT_GE(operations, 45);
  // The core operations of the foundation are all there.
  for (const char* p : {"/api/intake", "/api/deals", "/api/deals/{id}", "/api/contacts", "/api/companies",
                        "/api/activities", "/api/tasks", "/api/users", "/api/teams", "/api/auth/login"})
    EXPECT_TRUE(d["paths"].contains(p)) << p;
  EXPECT_TRUE(d["components"]["schemas"].contains("DealCreate"));
  EXPECT_EQ(d["components"]["schemas"]["DealCreate"]["required"], json({"title"}));
}

}  // namespace
}  // namespace voronka::testing
