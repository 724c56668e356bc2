// Lead intake: normalisation, contact reuse, assignment in turn, idempotency keys.

#include "fixture.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

class IntakeTest : public ApiTest {
 protected:
  std::unique_ptr<HttpClient> Integration() {
    auto admin = As("admin@test.ru");
    auto token = admin->Post("/api/tokens", {{"name", "site"}});
    EXPECT_EQ(token.status, 201);
    auto c = Anonymous();
    c->SetBearer(token.json()["token"]);
    return c;
  }
};

TEST_F(IntakeTest, SiteFormLeadLandsInFirstStageWithContact) {
  auto site = Integration();
  auto r = site->Post("/api/intake", {{"channel", "site_form"}, {"name", "Ольга Лидова"}, {"phone", "8 (926) 111-22-33"},
                                      {"email", "Olga@Lead.RU"}, {"company", "ООО «Лид»"}, {"message", "Нужен сайт"},
                                      {"utm", {{"utm_source", "yandex"}}}},
                      {{"Idempotency-Key", "form-1"}});
  ASSERT_EQ(r.status, 201) << r.body;
  json body = r.json();
  EXPECT_TRUE(body["contact_created"].get<bool>());
  EXPECT_EQ(body["contact"]["phones"], json({"+79261112233"}));
  EXPECT_EQ(body["contact"]["emails"], json({"olga@lead.ru"}));
  EXPECT_FALSE(body["contact"]["company_id"].is_null());
  EXPECT_EQ(body["deal"]["stage"], "contact");  // the process routes a non-phone lead to getting the contact
  EXPECT_EQ(body["deal"]["pipeline"], "it_studio");
  EXPECT_EQ(body["deal"]["channel"], "site_form");
  EXPECT_EQ(body["deal"]["description"], "Нужен сайт");
  EXPECT_EQ(body["deal"]["company_id"], body["contact"]["company_id"]);
  // The incoming message is on the card's timeline.
  auto admin = As("admin@test.ru");
  auto acts = admin->Get("/api/activities?deal_id=" + std::to_string(body["deal"]["id"].get<int64_t>())).json();
  ASSERT_EQ(acts["items"].size(), 1u);
  EXPECT_NE(acts["items"][0]["body"].get<std::string>().find("yandex"), std::string::npos);
}

TEST_F(IntakeTest, RetryWithSameKeyReturnsFirstResultAndCreatesNothing) {
  auto site = Integration();
  json lead = {{"channel", "email"}, {"name", "Повтор"}, {"email", "retry@lead.ru"}};
  auto first = site->Post("/api/intake", lead, {{"Idempotency-Key", "retry-1"}});
  ASSERT_EQ(first.status, 201);
  for (int i = 0; i < 3; ++i) {
    auto again = site->Post("/api/intake", lead, {{"Idempotency-Key", "retry-1"}});
    EXPECT_EQ(again.status, 201);
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(again.header("idempotent-replayed"), "true");
  }
  auto admin = As("admin@test.ru");
  EXPECT_EQ(admin->Get("/api/deals?q=retry%40lead.ru").json()["items"].size(), 0u);  // deals are not searched by e-mail
  EXPECT_EQ(admin->Get("/api/deals?limit=200").json()["items"].size(), 1u);
  // The same key with another body is refused, not silently replayed.
  json other = lead;
  other["name"] = "Другой";
  auto clash = site->Post("/api/intake", other, {{"Idempotency-Key", "retry-1"}});
  EXPECT_EQ(clash.status, 422);
  EXPECT_EQ(clash.json()["error"]["field"], "Idempotency-Key");
}

TEST_F(IntakeTest, KnownPhoneOrEmailReusesTheContact) {
  auto site = Integration();
  auto first = site->Post("/api/intake", {{"channel", "phone"}, {"name", "Борис"}, {"phone", "+7 915 000-00-01"}});
  ASSERT_EQ(first.status, 201);
  // Same number written differently, with a new e-mail: same contact, e-mail added.
  auto second = site->Post("/api/intake", {{"channel", "messenger"}, {"name", "Борис Б."}, {"phone", "89150000001"},
                                           {"email", "boris@b.ru"}});
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_FALSE(second.json()["contact_created"].get<bool>());
  EXPECT_EQ(second.json()["contact"]["id"], first.json()["contact"]["id"]);
  EXPECT_EQ(second.json()["contact"]["emails"], json({"boris@b.ru"}));
  // Found again by the e-mail alone.
  auto third = site->Post("/api/intake", {{"channel", "email"}, {"email", "BORIS@b.ru"}});
  EXPECT_EQ(third.json()["contact"]["id"], first.json()["contact"]["id"]);
  EXPECT_NE(third.json()["deal"]["id"], second.json()["deal"]["id"]);
}

TEST_F(IntakeTest, LeadsGoInTurnToManagersWhoTakeLeads) {
  auto site = Integration();
  std::vector<int64_t> assigned;
  for (int i = 0; i < 4; ++i) {
    auto r = site->Post("/api/intake", {{"channel", "site_form"}, {"email", "turn" + std::to_string(i) + "@x.ru"}});
    ASSERT_EQ(r.status, 201);
    assigned.push_back(r.json()["deal"]["responsible_id"].get<int64_t>());
  }
  // m1 and m2 take leads; m3 does not.
  EXPECT_EQ(assigned, (std::vector<int64_t>{kM1, kM2, kM1, kM2}));
}

TEST_F(IntakeTest, ManagerTakingACallGetsTheLead) {
  auto m3 = As("m3@test.ru");
  auto r = m3->Post("/api/intake", {{"channel", "phone"}, {"name", "Звонящий"}, {"phone", "+79031234500"}});
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.json()["deal"]["responsible_id"], kM3);
  EXPECT_EQ(m3->Get("/api/deals/" + std::to_string(r.json()["deal"]["id"].get<int64_t>())).status, 200);
  EXPECT_EQ(As("owner@test.ru")->Post("/api/intake", {{"channel", "phone"}, {"phone", "+79031234501"}}).status, 403);
}

}  // namespace
}  // namespace voronka::testing
