// Who sees and changes what: 401 without a session, 403 outside one's scope, per role.

#include "fixture.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

class AccessTest : public ApiTest {
 protected:
  // A deal owned by `owner_email`'s user.
  int64_t DealOf(const std::string& email) {
    auto c = As(email);
    auto r = c->Post("/api/deals", {{"title", "Сделка " + email}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()["id"].get<int64_t>();
  }
  static std::string Url(int64_t id) { return "/api/deals/" + std::to_string(id); }
};

TEST_F(AccessTest, AnonymousGets401WithJsonError) {
  auto anon = Anonymous();
  for (const char* path : {"/api/deals", "/api/contacts", "/api/tasks", "/api/users", "/api/auth/me"}) {
    auto r = anon->Get(path);
    EXPECT_EQ(r.status, 401) << path;
    EXPECT_EQ(r.json()["error"]["code"], "unauthenticated") << path;
  }
  EXPECT_EQ(anon->Post("/api/intake", {{"channel", "phone"}, {"phone", "+79160000000"}}).status, 401);
  EXPECT_EQ(anon->Get("/api/health").status, 200);
}

TEST_F(AccessTest, ManagerSeesOnlyOwnAndWorkingGroupCards) {
  int64_t mine = DealOf("m1@test.ru");
  int64_t theirs = DealOf("m2@test.ru");
  auto m1 = As("m1@test.ru");
  EXPECT_EQ(m1->Get(Url(mine)).status, 200);
  auto forbidden = m1->Get(Url(theirs));
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(forbidden.json()["error"]["code"], "forbidden");
  EXPECT_EQ(m1->Patch(Url(theirs), {{"version", 1}, {"title", "чужое"}}).status, 403);
  json list = m1->Get("/api/deals?limit=200").json();
  for (auto& d : list["items"]) EXPECT_EQ(d["responsible_id"], kM1);

  // Added to the working group, m1 sees and edits m2's card.
  auto m2 = As("m2@test.ru");
  ASSERT_EQ(m2->Patch(Url(theirs), {{"version", 1}, {"members", {kM1}}}).status, 200);
  EXPECT_EQ(m1->Get(Url(theirs)).status, 200);
  EXPECT_EQ(m1->Patch(Url(theirs), {{"version", 2}, {"title", "вместе"}}).status, 200);
}

TEST_F(AccessTest, ManagerCannotAssignToOthers) {
  auto m1 = As("m1@test.ru");
  auto r = m1->Post("/api/deals", {{"title", "Чужому"}, {"responsible_id", kM2}});
  EXPECT_EQ(r.status, 403);
  auto t = m1->Post("/api/tasks", {{"title", "Задача"}, {"due_at", "2030-01-01"}, {"assignee_id", kM3}});
  EXPECT_EQ(t.status, 403);
}

TEST_F(AccessTest, HeadSeesTeamButNotOtherTeams) {
  int64_t team_deal = DealOf("m2@test.ru");
  int64_t other_deal = DealOf("m3@test.ru");
  auto head = As("head@test.ru");
  EXPECT_EQ(head->Get(Url(team_deal)).status, 200);
  EXPECT_EQ(head->Get(Url(other_deal)).status, 403);
  // The head reassigns within the team.
  EXPECT_EQ(head->Patch(Url(team_deal), {{"version", 1}, {"responsible_id", kM1}}).status, 200);
  EXPECT_EQ(head->Patch(Url(team_deal), {{"version", 2}, {"responsible_id", kM3}}).status, 403);
}

TEST_F(AccessTest, OwnerAndCuratorReadAllButOwnerWritesNothing) {
  int64_t deal = DealOf("m3@test.ru");
  auto owner = As("owner@test.ru");
  auto curator = As("curator@test.ru");
  EXPECT_EQ(owner->Get(Url(deal)).status, 200);
  EXPECT_EQ(curator->Get(Url(deal)).status, 200);
  EXPECT_EQ(owner->Patch(Url(deal), {{"version", 1}, {"title", "x"}}).status, 403);
  EXPECT_EQ(owner->Post("/api/deals", {{"title", "x"}}).status, 403);
  EXPECT_EQ(curator->Patch(Url(deal), {{"version", 1}, {"title", "x"}}).status, 403);
  // A curator comments (a note) and leaves feedback tasks.
  EXPECT_EQ(curator->Post("/api/activities", {{"type", "note"}, {"deal_id", deal}, {"body", "Не заполнен ИНН"}}).status, 201);
  EXPECT_EQ(curator->Post("/api/activities", {{"type", "call"}, {"deal_id", deal}}).status, 403);
  EXPECT_EQ(curator->Post("/api/tasks", {{"title", "Заполнить ИНН"}, {"due_at", "2030-01-01"}, {"assignee_id", kM3},
                                         {"deal_id", deal}}).status, 201);
}

TEST_F(AccessTest, OnlyAdminManagesUsers) {
  auto m1 = As("m1@test.ru");
  EXPECT_EQ(m1->Get("/api/users").status, 200);  // the directory is readable
  EXPECT_EQ(m1->Post("/api/users", {{"email", "x@test.ru"}, {"name", "X"}, {"role", "admin"}, {"password", "12345678"}}).status, 403);
  auto me = m1->Get("/api/users/" + std::to_string(kM1)).json();
  EXPECT_EQ(m1->Patch("/api/users/" + std::to_string(kM1), {{"version", me["version"]}, {"role", "admin"}}).status, 403);
  EXPECT_EQ(m1->Patch("/api/users/" + std::to_string(kM1), {{"version", me["version"]}, {"phone", "+7 900 1"}}).status, 200);
}

TEST_F(AccessTest, DeactivatedUserIsLoggedOutAndCannotLogIn) {
  auto admin = As("admin@test.ru");
  auto created = admin->Post("/api/users", {{"email", "Temp@Test.ru"}, {"name", "Временный"}, {"role", "manager"},
                                            {"password", "temp-password"}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()["email"], "temp@test.ru");
  EXPECT_FALSE(created.json().contains("password_hash"));
  HttpClient temp(port());
  ASSERT_EQ(temp.Login("temp@test.ru", "temp-password"), 200);
  ASSERT_EQ(temp.Get("/api/auth/me").status, 200);
  auto id = created.json()["id"].get<int64_t>();
  ASSERT_EQ(admin->Post("/api/users/" + std::to_string(id) + "/archive", {{"version", 1}}).status, 200);
  EXPECT_EQ(temp.Get("/api/auth/me").status, 401);
  EXPECT_EQ(temp.Login("temp@test.ru", "temp-password"), 401);
}

TEST_F(AccessTest, LogoutEndsTheSessionAndTokensWork) {
  auto m1 = As("m1@test.ru");
  auto token = m1->Post("/api/tokens", {{"name", "site form"}});
  ASSERT_EQ(token.status, 201);
  std::string secret = token.json()["token"];
  EXPECT_EQ(secret.rfind("vrk_", 0), 0u);
  EXPECT_EQ(m1->Post("/api/auth/logout", json::object()).status, 200);
  EXPECT_EQ(m1->Get("/api/auth/me").status, 401);

  HttpClient integration(port());
  integration.SetBearer(secret);
  auto me = integration.Get("/api/auth/me");
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json()["user"]["id"], kM1);
  EXPECT_TRUE(me.json()["via_token"].get<bool>());
  // The list never shows the secret again.
  EXPECT_EQ(integration.Get("/api/tokens").body.find(secret), std::string::npos);
  ASSERT_EQ(integration.Post("/api/tokens/" + std::to_string(token.json()["id"].get<int64_t>()) + "/revoke",
                             json::object()).status, 200);
  EXPECT_EQ(integration.Get("/api/auth/me").status, 401);
  HttpClient bad(port());
  bad.SetBearer("vrk_wrong");
  EXPECT_EQ(bad.Get("/api/deals").status, 401);
}

TEST_F(AccessTest, WrongPasswordIsRefusedAndThrottled) {
  HttpClient c(port());
  int last = 0;
  for (int i = 0; i < 8; ++i) last = c.Login("m2@test.ru", "wrong-password");
  EXPECT_EQ(last, 429);
  auto r = c.Post("/api/auth/login", {{"email", "m2@test.ru"}, {"password", kPassword}});
  EXPECT_EQ(r.status, 429);  // even the right password waits out the delay
  EXPECT_FALSE(r.header("retry-after").empty());
}

TEST_F(AccessTest, CrossSiteCookieWritesAreRefused) {
  auto m1 = As("m1@test.ru");
  auto r = m1->Request("POST", "/api/deals", json{{"title", "CSRF"}}.dump(), {{"Origin", "http://evil.example"}});
  EXPECT_EQ(r.status, 403);
  auto ok = m1->Request("POST", "/api/deals", json{{"title", "Same origin"}}.dump(),
                        {{"Origin", "http://127.0.0.1:" + std::to_string(port())}});
  EXPECT_EQ(ok.status, 201);
}

}  // namespace
}  // namespace voronka::testing
