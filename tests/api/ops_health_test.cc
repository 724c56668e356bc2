// Operations endpoints as a load balancer and Prometheus see them: /healthz, /readyz (database
// reachable, schema current), /metrics; JSON log lines.

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "fixture.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

// Runs SQL on the server's database with the engine's own client (sqlite3 or psql).
void RunSql(const ServerProcess& server, const std::string& sql) {
  std::string out;
  if (UsingPostgres()) {
    ASSERT_EQ(RunPsql(server.pg_conninfo(), sql, &out), 0) << out;
  } else {
    std::string cmd = "sqlite3 '" + server.db_path() + "' \"" + sql + "\" 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    char buf[512];
    while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    ASSERT_EQ(pclose(p), 0) << out;
  }
}

// The value of one sample line "name{labels} value" in a Prometheus text page; -1 if absent.
double Sample(const std::string& page, const std::string& series) {
  std::istringstream in(page);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  return -1;
}

class OpsHealthTest : public ApiTest {};

TEST_F(OpsHealthTest, HealthzAndReadyzAnswerWithoutCredentials) {
  auto anon = Anonymous();
  auto h = anon->Get("/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.json()["status"], "ok");
  auto r = anon->Get("/readyz");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["status"], "ready");
  EXPECT_GE(r.json()["schema_version"].get<int>(), 4);
}

TEST_F(OpsHealthTest, MetricsCountRequestsPerRoutePatternWithLatencyHistogram) {
  auto admin = As("admin@test.ru");
  const std::string ok200 = R"(voronka_http_requests_total{method="GET",route="/api/users/{id}",status="200"})";
  const std::string nf404 = R"(voronka_http_requests_total{method="GET",route="/api/users/{id}",status="404"})";
  const std::string count = R"(voronka_http_request_duration_seconds_count{method="GET",route="/api/users/{id}"})";
  const std::string inf = R"(voronka_http_request_duration_seconds_bucket{method="GET",route="/api/users/{id}",le="+Inf"})";
  auto before = Anonymous()->Get("/metrics").body;
  auto delta = [&](const std::string& page, const std::string& series) {
    return Sample(page, series) - std::max(0.0, Sample(before, series));
  };
  for (int i = 0; i < 3; ++i) EXPECT_EQ(admin->Get("/api/users/" + std::to_string(kM1 + i % 2)).status, 200);
  EXPECT_EQ(admin->Get("/api/users/999999").status, 404);
  auto m = Anonymous()->Get("/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.header("content-type").find("text/plain; version=0.0.4"), std::string::npos);
  // One series per route pattern, not per id.
  EXPECT_EQ(delta(m.body, ok200), 3) << m.body;
  EXPECT_EQ(delta(m.body, nf404), 1) << m.body;
  EXPECT_EQ(m.body.find("/api/users/999999"), std::string::npos);
  EXPECT_EQ(delta(m.body, count), 4);
  EXPECT_EQ(delta(m.body, inf), 4);
  EXPECT_GT(Sample(m.body, R"(voronka_http_request_duration_seconds_sum{method="GET",route="/api/users/{id}"})"), 0);
  EXPECT_GE(Sample(m.body, R"(voronka_http_requests_total{method="POST",route="/api/auth/login",status="200"})"), 1);
  EXPECT_GE(Sample(m.body, "voronka_db_pool_open"), 1);
  EXPECT_GE(Sample(m.body, "voronka_db_pool_in_use"), 0);
  EXPECT_GE(Sample(m.body, "voronka_db_pool_max"), Sample(m.body, "voronka_db_pool_open"));
}

TEST_F(OpsHealthTest, MetricsShowOutboxAndTimerBacklogs) {
  auto before = Anonymous()->Get("/metrics").body;
  double outbox = Sample(before, "voronka_outbox_pending");
  double scheduled = Sample(before, "voronka_timers_scheduled");
  ASSERT_GE(outbox, 0);
  ASSERT_GE(scheduled, 0);
  // No SMTP configured: a queued e-mail waits; a timer far in the future is scheduled, not due.
  RunSql(*server_, "INSERT INTO outbox (kind, payload, created_at, next_attempt_at) VALUES ('email', '{}', 0, 0)");
  RunSql(*server_, "INSERT INTO process_timers (deal_id, code, fires_at) VALUES (424242, 'ops_test', 9999999999999)");
  auto after = Anonymous()->Get("/metrics").body;
  EXPECT_EQ(Sample(after, "voronka_outbox_pending"), outbox + 1);
  EXPECT_EQ(Sample(after, "voronka_timers_scheduled"), scheduled + 1);
  EXPECT_EQ(Sample(after, "voronka_timers_due"), Sample(before, "voronka_timers_due"));
  RunSql(*server_, "DELETE FROM process_timers WHERE deal_id = 424242");
}

TEST(OpsReadiness, ReadyzIs503WhileTheSchemaDoesNotMatchThisBuild) {
  ServerProcess server;
  server.AddUser("admin@test.ru", "admin", kPassword);
  server.Start();
  HttpClient c(server.port());
  ASSERT_EQ(c.Get("/readyz").status, 200);
  // A newer binary migrated the database meanwhile (or someone restored an old server's view).
  RunSql(server, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from_the_future', 0)");
  auto r = c.Get("/readyz");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.json()["status"], "not ready");
  EXPECT_NE(r.json()["reason"].get<std::string>().find("version 999"), std::string::npos) << r.body;
  EXPECT_EQ(c.Get("/healthz").status, 200);  // the process itself is fine
}

TEST(OpsReadiness, OpsRoutesAreNotTheWebAppEvenWhenItIsServed) {
  ServerProcess server;
  std::filesystem::create_directories(server.dir() + "/web");
  std::ofstream(server.dir() + "/web/index.html") << "<!doctype html><title>SPA</title>";
  server.Start({"--web", server.dir() + "/web"});
  HttpClient c(server.port());
  EXPECT_NE(c.Get("/some/page").body.find("SPA"), std::string::npos);
  EXPECT_EQ(c.Get("/healthz").json()["status"], "ok");
  EXPECT_EQ(c.Get("/readyz").json()["status"], "ready");
  EXPECT_NE(c.Get("/metrics").body.find("voronka_http_requests_total"), std::string::npos);
}

TEST(OpsLogging, JsonLogFormatWritesOneObjectPerLine) {
  ServerProcess server;
  server.SetGlobalArgs({"--log-level", "debug", "--log-format", "json"});
  server.Start();
  HttpClient c(server.port());
  EXPECT_EQ(c.Get("/healthz").status, 200);
  EXPECT_EQ(server.Terminate(), 0);
  std::istringstream log(server.Log());
  std::string line;
  int lines = 0;
  bool listening = false, request = false, stopped = false;
  while (std::getline(log, line)) {
    if (line.empty() || line[0] != '{') continue;  // e.g. a sanitizer's own report would not be JSON
    json j = json::parse(line);  // throws (fails the test) if not JSON
    ++lines;
    EXPECT_TRUE(j["ts"].is_string());
    EXPECT_TRUE(std::regex_match(j["ts"].get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
    EXPECT_TRUE(j["level"].is_string());
    std::string msg = j["msg"];
    listening |= msg.find("listening on http://127.0.0.1:") != std::string::npos;
    request |= msg.find("GET /healthz 200") != std::string::npos;
    stopped |= msg == "stopped";
  }
  EXPECT_GE(lines, 3) << server.Log();
  EXPECT_TRUE(listening) << server.Log();
  EXPECT_TRUE(request) << server.Log();
  EXPECT_TRUE(stopped) << server.Log();
  std::string all = server.Log();
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), lines) << "every line is JSON:\n" << all;
}

}  // namespace
}  // namespace voronka::testing
