// The public site form: an intake-scoped token posts leads from another origin (CORS) and
// can do nothing else.

#include <regex>

#include "fixture.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

const std::vector<std::pair<std::string, std::string>> kFromSite = {{"Origin", "https://site.example"}};

class SiteFormTest : public ApiTest {
 protected:
  // The site form's token, created by the head of sales.
  std::string IntakeToken() {
    auto head = As("head@test.ru");
    auto r = head->Post("/api/tokens", {{"name", "site form"}, {"scope", "intake"}});
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["scope"], "intake");
    return r.json()["token"].get<std::string>();
  }
  std::unique_ptr<HttpClient> Site(const std::string& token) {
    auto c = Anonymous();
    c->SetBearer(token);
    return c;
  }
};

TEST_F(SiteFormTest, IntakeTokenCreatesLeadFromAnotherOriginAndLearnsNothingBack) {
  auto site = Site(IntakeToken());
  auto headers = kFromSite;
  headers.emplace_back("Idempotency-Key", "visit-1");
  json lead = {{"channel", "site_form"}, {"name", "Вера Сайтова"}, {"phone", "+7 916 555-01-02"},
               {"email", "vera@site.example"}, {"message", "Нужен интернет-магазин"}, {"consent", true}};
  auto r = site->Post("/api/intake", lead, headers);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json(), json({{"accepted", true}}));  // no stored contact or deal handed to the public
  EXPECT_EQ(r.header("access-control-allow-origin"), "*");
  auto again = site->Post("/api/intake", lead, headers);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.header("idempotent-replayed"), "true");

  // The lead is on the head's board: in the first working stage, assigned in turn to a manager
  // who takes leads (not to the head who made the token), with the consent's moment recorded.
  auto head = As("head@test.ru");
  auto deals = head->Get("/api/deals?channel=site_form").json()["items"];
  ASSERT_EQ(deals.size(), 1u) << deals.dump();
  EXPECT_EQ(deals[0]["channel"], "site_form");
  EXPECT_EQ(deals[0]["stage"], "contact");
  EXPECT_TRUE(deals[0]["responsible_id"] == kM1 || deals[0]["responsible_id"] == kM2) << deals[0].dump();
  auto acts = head->Get("/api/activities?deal_id=" + std::to_string(deals[0]["id"].get<int64_t>())).json()["items"];
  ASSERT_EQ(acts.size(), 1u);
  EXPECT_NE(acts[0]["body"].get<std::string>().find("consent_at"), std::string::npos) << acts[0].dump();
}

TEST_F(SiteFormTest, IntakeTokenNeedsTheVisitorsConsent) {
  auto site = Site(IntakeToken());
  auto r = site->Post("/api/intake", {{"channel", "site_form"}, {"phone", "+79165550103"}}, kFromSite);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json()["error"]["field"], "consent");
  EXPECT_EQ(r.header("access-control-allow-origin"), "*");  // the form can show why
  auto no = site->Post("/api/intake", {{"channel", "site_form"}, {"phone", "+79165550103"}, {"consent", false}});
  EXPECT_EQ(no.status, 400);
}

TEST_F(SiteFormTest, IntakeTokenIsRefusedOnEveryOtherRoute) {
  std::string token = IntakeToken();
  auto site = Site(token);
  auto doc = Anonymous()->Get("/api/openapi.json").json();
  int checked = 0;
  for (auto& [path, ops] : doc["paths"].items()) {
    for (auto& [method, op] : ops.items()) {
      if (!op.contains("security")) continue;  // public routes need no credentials at all
      if (method == "post" && path == "/api/intake") continue;
      std::string target = std::regex_replace(path, std::regex("\\{id\\}"), "1");
      target = std::regex_replace(target, std::regex("\\{[a-z_]+\\}"), "it_studio");
      std::string upper = method;
      for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      auto r = site->Request(upper, target, method == "get" ? "" : "{}");
      EXPECT_EQ(r.status, 403) << upper << " " << target << ": " << r.body;
      ++checked;
    }
  }
  EXPECT_GT(checked, 40);
  // Nor does it open the calendar feed, which takes a token in the URL.
  EXPECT_EQ(Anonymous()->Get("/api/calendar.ics?token=" + token).status, 401);
}

TEST_F(SiteFormTest, PreflightAllowsAnyOriginToPostOnlyToIntake) {
  auto c = Anonymous();
  auto r = c->Request("OPTIONS", "/api/intake", "",
                      {{"Origin", "https://site.example"},
                       {"Access-Control-Request-Method", "POST"},
                       {"Access-Control-Request-Headers", "authorization,content-type,idempotency-key"}});
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(r.header("access-control-allow-origin"), "*");
  EXPECT_NE(r.header("access-control-allow-methods").find("POST"), std::string::npos);
  for (const char* h : {"Authorization", "Content-Type", "Idempotency-Key"})
    EXPECT_NE(r.header("access-control-allow-headers").find(h), std::string::npos) << h;
  // Every other route stays same-origin.
  auto deals = c->Request("OPTIONS", "/api/deals", "", {{"Origin", "https://site.example"}});
  EXPECT_EQ(deals.status, 405);
  EXPECT_EQ(deals.header("access-control-allow-origin"), "");
  auto me = c->Request("GET", "/api/auth/me", "", {{"Origin", "https://site.example"}});
  EXPECT_EQ(me.header("access-control-allow-origin"), "");
}

TEST_F(SiteFormTest, OnlyHeadOrAdminCreatesSiteFormTokensAndTheyAreListedWithScope) {
  auto m1 = As("m1@test.ru");
  auto r = m1->Post("/api/tokens", {{"name", "my form"}, {"scope", "intake"}});
  EXPECT_EQ(r.status, 403) << r.body;
  auto bad = m1->Post("/api/tokens", {{"name", "x"}, {"scope", "everything"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "scope");
  IntakeToken();
  auto head = As("head@test.ru");
  auto list = head->Get("/api/tokens").json()["items"];
  ASSERT_FALSE(list.empty());
  EXPECT_EQ(list.back()["scope"], "intake");
  EXPECT_FALSE(list.back().contains("token"));
}

}  // namespace
}  // namespace voronka::testing
