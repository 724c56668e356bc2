#include <gtest/gtest.h>

#include "http/api.h"
#include "storage/test_db.h"

namespace voronka::http {
namespace {

// Every registered route is in the document with a summary and its success response,
// and every documented path/method pair is a registered route.
TEST(OpenApi, MatchesTheRouteTableBothWays) {
  storage::TestDb t;
  SystemClock clock;
  Services services{t.db(), clock, {}};
  Api api(services);
  auto doc = BuildOpenApi(api.router());
  size_t routes = 0;
  for (const auto& r : api.router().routes()) {
    std::string method = r.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(c));
    ASSERT_TRUE(doc["paths"].contains(r.pattern)) << r.pattern;
    ASSERT_TRUE(doc["paths"][r.pattern].contains(method)) << r.method << " " << r.pattern;
    const auto& op = doc["paths"][r.pattern][method];
    EXPECT_FALSE(op["summary"].get<std::string>().empty()) << r.pattern;
    EXPECT_TRUE(op["responses"].contains(std::to_string(r.doc.success_status))) << r.pattern;
    if (!r.doc.request_schema.empty()) {
      EXPECT_TRUE(doc["components"]["schemas"].contains(r.doc.request_schema)) << r.doc.request_schema;
    }
    if (!r.doc.response_schema.empty()) {
      EXPECT_TRUE(doc["components"]["schemas"].contains(r.doc.response_schema)) << r.doc.response_schema;
    }
    ++routes;
  }
  size_t documented = 0;
  for (auto& [path, ops] : doc["paths"].items()) {
    for (auto& [method, op] : ops.items()) {
      std::string upper = method;
      for (auto& c : upper) c = static_cast<char>(std::toupper(c));
      std::string concrete = path;
      for (size_t p; (p = concrete.find("{id}")) != std::string::npos;) concrete.replace(p, 4, "1");
      EXPECT_NE(api.router().Find(upper, concrete).route, nullptr) << method << " " << path;
      ++documented;
    }
  }
  EXPECT_EQ(routes, documented);
}

}  // namespace
}  // namespace voronka::http
