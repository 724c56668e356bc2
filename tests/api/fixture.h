#pragma once
// A department for API tests: the real server on a fresh database with
//   admin, owner, curator, head (leads team "Sales": m1, m2), m1, m2, m3 (another team).
// Each test binary process gets its own server (gtest_discover_tests runs each test alone).

#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <memory>
#include <set>
#include <string>

#include "support/http_client.h"
#include "support/server_process.h"

namespace voronka::testing {

// Seconds since the epoch of an ISO 8601 UTC time "YYYY-MM-DDTHH:MM:SS[.fff]Z".
inline int64_t ParseIsoForTest(const std::string& s) {
  std::tm tm{};
  strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  return static_cast<int64_t>(timegm(&tm));
}

inline const std::string kPassword = "secret-pass";

class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<ServerProcess>();
    server_->AddUser("admin@test.ru", "admin", kPassword, "Админ");
    server_->AddUser("owner@test.ru", "owner", kPassword, "Владелец");
    server_->AddUser("curator@test.ru", "curator", kPassword, "Куратор");
    server_->AddUser("head@test.ru", "head", kPassword, "Ирина Руководитель");
    server_->AddUser("m1@test.ru", "manager", kPassword, "Алексей Первый", true);
    server_->AddUser("m2@test.ru", "manager", kPassword, "Мария Вторая", true);
    server_->AddUser("m3@test.ru", "manager", kPassword, "Дмитрий Третий", false);
    server_->Start(ExtraArgs());
    HttpClient admin(server_->port());
    EXPECT_EQ(admin.Login("admin@test.ru", kPassword), 200);
    auto team = admin.Post("/api/teams", {{"name", "Sales"}, {"head_id", kHead}});
    EXPECT_EQ(team.status, 201) << team.body;
    auto other = admin.Post("/api/teams", {{"name", "Other"}});
    for (int64_t id : {kHead, kM1, kM2}) SetTeam(admin, id, team.json()["id"].get<int64_t>());
    SetTeam(admin, kM3, other.json()["id"].get<int64_t>());
  }
  static void TearDownTestSuite() { server_.reset(); }
  static std::vector<std::string> ExtraArgs() { return {}; }

  static void SetTeam(HttpClient& admin, int64_t user, int64_t team) {
    auto u = admin.Get("/api/users/" + std::to_string(user)).json();
    auto r = admin.Patch("/api/users/" + std::to_string(user), {{"version", u["version"]}, {"team_id", team}});
    EXPECT_EQ(r.status, 200) << r.body;
  }

  // A client logged in as `email`.
  std::unique_ptr<HttpClient> As(const std::string& email) {
    auto c = std::make_unique<HttpClient>(server_->port());
    EXPECT_EQ(c->Login(email, kPassword), 200) << email;
    return c;
  }
  std::unique_ptr<HttpClient> Anonymous() { return std::make_unique<HttpClient>(server_->port()); }
  int port() const { return server_->port(); }

  static constexpr int64_t kAdmin = 1, kOwner = 2, kCurator = 3, kHead = 4, kM1 = 5, kM2 = 6, kM3 = 7;
  static inline std::unique_ptr<ServerProcess> server_;
};

}  // namespace voronka::testing
