// PostgreSQL: the pg.* run's precondition, and a database that goes away and comes back.

#include <unistd.h>

#include <filesystem>

#include "fixture.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

// The pg.* run (VORONKA_TEST_BACKEND=postgres) needs a cluster: without one every test of the
// binary is skipped with the reason instead of failing.
class PostgresEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (UsingPostgres() && !PostgresUnavailableReason().empty()) GTEST_SKIP() << PostgresUnavailableReason();
  }
};
[[maybe_unused]] const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);

// A private cluster (tests/pg_cluster.sh) that this test may stop and start.
class PrivateCluster {
 public:
  PrivateCluster() {
    std::string tmpl = "/tmp/voronka-pgdown-XXXXXX";
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    std::string out;
    if (Script("start", &out) != 0) throw std::runtime_error("cannot start a cluster: " + out);
    conninfo_ = out.substr(0, out.find('\n'));
  }
  ~PrivateCluster() { Script("destroy"); }
  int Script(const std::string& cmd, std::string* out = nullptr) {
    std::string line = std::string(VORONKA_PG_CLUSTER_SCRIPT) + " " + cmd + " " + dir_ + " 5433 2>&1";
    FILE* p = popen(line.c_str(), "r");
    std::string text;
    char buf[1024];
    while (size_t n = fread(buf, 1, sizeof buf, p)) text.append(buf, n);
    int status = pclose(p);
    if (out) *out = text;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  const std::string& conninfo() const { return conninfo_; }

 private:
  std::string dir_, conninfo_;
};

TEST(PostgresTest, DatabaseDownGives503AndTheServerRecoversWhenItIsBack) {
  if (!UsingPostgres()) GTEST_SKIP() << "PostgreSQL only: runs as pg.PostgresTest.*";
  PrivateCluster cluster;
  ASSERT_EQ(RunPsql(cluster.conninfo(), "CREATE DATABASE voronka"), 0);
  ServerProcess server("postgres:" + cluster.conninfo() + " dbname=voronka");
  server.AddUser("m1@test.ru", "manager", kPassword, "Менеджер", true);
  server.Start();
  HttpClient c(server.port());
  ASSERT_EQ(c.Login("m1@test.ru", kPassword), 200);
  auto lead = [&](int n) {
    return c.Post("/api/intake", {{"channel", "phone"}, {"phone", "+7916000000" + std::to_string(n)}});
  };
  ASSERT_EQ(lead(1).status, 201);

  ASSERT_EQ(cluster.Script("stop"), 0);
  auto down = lead(2);
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(down.json()["error"]["message"], "the database is unavailable; try again shortly") << down.body;
  EXPECT_EQ(c.Get("/api/deals").status, 503);
  EXPECT_EQ(c.Get("/api/ping").status, 200);  // the server itself is fine
  // Several requests while down, and the timer thread's retries, do not bring it down.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(c.Get("/api/deals").status, 503);

  std::string out;
  ASSERT_EQ(cluster.Script("start", &out), 0) << out;
  // The first request after the restart already gets a fresh connection.
  auto back = lead(3);
  EXPECT_EQ(back.status, 201) << back.body;
  auto deals = c.Get("/api/deals");
  ASSERT_EQ(deals.status, 200);
  EXPECT_EQ(deals.json()["items"].size(), 2u);
  EXPECT_TRUE(server.running());
}

}  // namespace
}  // namespace voronka::testing
