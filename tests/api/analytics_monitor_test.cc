// The head's monitor and the daily norms over HTTP: what each user did last and on which card,
// today's tasks, norms against actuals with who is behind, who sees whom, and editing the norms
// (line-numbered problems, stale versions, only a head or an admin). Then the regulation
// (deviation) report: each rule's deadlines met on time, late, missed, per manager, drill-down.

#include <ctime>
#include <tuple>

#include "api/fixture.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

// Today's weekday in Moscow, 1 = Monday.
int TodayIso() {
  std::time_t t = std::time(nullptr) + 3 * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm.tm_wday == 0 ? 7 : tm.tm_wday;
}

// Norms that apply today only and are fully due from 00:01, so "behind" does not depend on the
// hour or the weekday the test runs.
std::string TodayNorms() {
  return "code: test\n"
         "name: {ru: Нормы, en: Norms}\n"
         "working_days: [" + std::to_string(TodayIso()) + "]\n"
         "working_hours: {start: \"00:00\", end: \"00:01\"}\n"
         "norms:\n"
         "  - code: calls\n"
         "    name: {ru: Звонки, en: Calls}\n"
         "    per_day: 2\n"
         "    counts: {activity: call}\n"
         "  - code: visits\n"
         "    name: {ru: Визиты, en: Visits}\n"
         "    per_day: 1\n"
         "    counts: {activity: visit}\n";
}

HttpResponse Put(HttpClient& c, const std::string& target, const json& body) {
  return c.Request("PUT", target, body.dump());
}

class MonitorTest : public ApiTest {
 protected:
  // m1 takes a lead, calls three times and visits once on it, has one task done today and one
  // overdue; m2 did nothing.
  static void SetUpTestSuite() {
    ApiTest::SetUpTestSuite();
    HttpClient m1(server_->port());
    EXPECT_EQ(m1.Login("m1@test.ru", kPassword), 200);
    auto done = m1.Post("/api/tasks", {{"title", "Отправить бриф"}, {"due_at", "2030-01-01T09:00:00Z"}});
    EXPECT_EQ(done.status, 201) << done.body;
    auto patched = m1.Patch("/api/tasks/" + std::to_string(done.json()["id"].get<int64_t>()),
                            {{"version", done.json()["version"]}, {"done", true}});
    EXPECT_EQ(patched.status, 200) << patched.body;
    auto overdue = m1.Post("/api/tasks", {{"title", "Перезвонить"}, {"due_at", "2020-01-01T09:00:00Z"}});
    EXPECT_EQ(overdue.status, 201) << overdue.body;
    auto deal = m1.Post("/api/deals", {{"title", "Сайт для «Ромашки»"}, {"stage", "contact"}});
    EXPECT_EQ(deal.status, 201) << deal.body;
    deal_ = deal.json()["id"].get<int64_t>();
    for (const char* type : {"call", "call", "call", "visit"}) {
      auto a = m1.Post("/api/activities", {{"type", type}, {"deal_id", deal_}, {"goal", "Обсудить бриф"}});
      EXPECT_EQ(a.status, 201) << a.body;
    }
  }

  static json Row(const json& monitor, int64_t user) {
    for (const auto& u : monitor["users"])
      if (u["user_id"] == user) return u;
    return nullptr;
  }
  static json Norm(const json& row, const std::string& code) {
    for (const auto& n : row["norms"])
      if (n["code"] == code) return n;
    return nullptr;
  }
  static inline int64_t deal_ = 0;
};

TEST_F(MonitorTest, ShowsWhatEachOfTheTeamDidAndTheirTasks) {
  auto r = As("head@test.ru")->Get("/api/analytics/monitor");
  ASSERT_EQ(r.status, 200) << r.body;
  json monitor = r.json();
  std::set<int64_t> ids;
  json users = monitor["users"];
  for (const auto& u : users) ids.insert(u["user_id"].get<int64_t>());
  EXPECT_EQ(ids, (std::set<int64_t>{kHead, kM1, kM2}));  // the head's team; m3 is in another
  json m1 = Row(monitor, kM1);
  EXPECT_EQ(m1["name"], "Алексей Первый");
  EXPECT_EQ(m1["last_action"]["entity"], "activities");
  EXPECT_EQ(m1["last_action"]["action"], "create");
  EXPECT_EQ(m1["last_action"]["deal_id"], deal_);
  EXPECT_EQ(m1["last_action"]["deal_title"], "Сайт для «Ромашки»");
  EXPECT_EQ(m1["tasks"]["done_today"], 1);
  EXPECT_EQ(m1["tasks"]["overdue"], 1);
  EXPECT_EQ(m1["tasks"]["open_today"], 0);
  EXPECT_EQ(m1["deviations"]["open"], 0);
  EXPECT_TRUE(m1["norms_apply"]);
  EXPECT_EQ(Norm(m1, "calls")["today"], 3);
  EXPECT_EQ(Norm(m1, "calls")["week"], 3);
  EXPECT_EQ(Norm(m1, "meetings")["today"], 0);
  EXPECT_EQ(Norm(m1, "visits")["today"], 1);
  EXPECT_EQ(Norm(m1, "calls")["week_norm_x100"].get<int64_t>() % 2000, 0);  // 20 a day, shipped norms
  // The head takes no norms.
  json head = Row(monitor, kHead);
  EXPECT_FALSE(head["norms_apply"]);
  EXPECT_TRUE(head["norms"].empty());
  EXPECT_EQ(monitor["norms"]["version"], 0);
  EXPECT_EQ(monitor["norms"]["default"], true);
}

TEST_F(MonitorTest, AManagerSeesOwnRowTheOwnerEveryone) {
  json mine = As("m2@test.ru")->Get("/api/analytics/monitor").json();
  ASSERT_EQ(mine["users"].size(), 1u);
  EXPECT_EQ(mine["users"][0]["user_id"], kM2);
  EXPECT_EQ(mine["users"][0]["last_action"], nullptr);
  json all = As("owner@test.ru")->Get("/api/analytics/monitor").json();
  EXPECT_EQ(all["users"].size(), 4u);
  EXPECT_FALSE(Row(all, kM3)["norms_apply"]);  // m3 is not on the lead rotation
}

TEST_F(MonitorTest, TheHeadSetsTheNormsAndSeesWhoIsBehind) {
  auto head = As("head@test.ru");
  json current = head->Get("/api/analytics/norms").json();
  EXPECT_EQ(current["version"], 0);
  EXPECT_TRUE(current["can_edit"]);
  EXPECT_NE(current["yaml"].get<std::string>().find("per_day: 20"), std::string::npos);

  EXPECT_EQ(Put(*As("m1@test.ru"), "/api/analytics/norms", {{"yaml", TodayNorms()}}).status, 403);
  EXPECT_EQ(Put(*As("owner@test.ru"), "/api/analytics/norms", {{"yaml", TodayNorms()}}).status, 403);
  EXPECT_FALSE(As("m1@test.ru")->Get("/api/analytics/norms").json()["can_edit"]);

  auto bad = Put(*head, "/api/analytics/norms", {{"yaml", "code: x\nname: {ru: a, en: b}\nworking_days: [9]\n"
                                                         "working_hours: {start: \"09:00\", end: \"18:00\"}\n"
                                                         "norms:\n  - {code: calls, name: {ru: a, en: b}, "
                                                         "per_day: many, counts: {activity: call}}\n"}});
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.json()["error"]["field"], "yaml");
  json problems = bad.json()["problems"];
  ASSERT_EQ(problems.size(), 2u) << bad.body;
  EXPECT_EQ(problems[0]["line"], 3);
  EXPECT_EQ(problems[1]["line"], 6);
  EXPECT_NE(problems[1]["message"].get<std::string>().find("'per_day' must be a number"), std::string::npos);
  EXPECT_EQ(Put(*head, "/api/analytics/norms", {{"yaml", TodayNorms()}, {"colour", 1}}).status, 400);

  auto saved = Put(*head, "/api/analytics/norms", {{"yaml", TodayNorms()}, {"version", 0}});
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(saved.json()["version"], 1);
  EXPECT_EQ(saved.json()["norms"]["norms"].size(), 2u);
  // Someone editing the old version is told to reload.
  auto stale = Put(*head, "/api/analytics/norms", {{"yaml", TodayNorms()}, {"version", 0}});
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(stale.json()["current_version"], 1);

  json monitor = head->Get("/api/analytics/monitor").json();
  EXPECT_EQ(monitor["norms"]["version"], 1);
  EXPECT_EQ(monitor["clock"]["workday"], true);
  EXPECT_EQ(monitor["clock"]["workdays_in_week"], 1);
  json m1 = Row(monitor, kM1), m2 = Row(monitor, kM2);
  EXPECT_EQ(Norm(m1, "calls")["today_norm_x100"], 200);
  EXPECT_EQ(Norm(m1, "calls")["week_norm_x100"], 200);
  EXPECT_FALSE(Norm(m1, "calls")["behind"]);
  EXPECT_FALSE(m1["behind"]);  // 3 calls of 2, 1 visit of 1
  EXPECT_TRUE(Norm(m2, "calls")["behind"]);
  EXPECT_TRUE(m2["behind"]);
  // An admin may set them too; a new version.
  EXPECT_EQ(Put(*As("admin@test.ru"), "/api/analytics/norms", {{"yaml", TodayNorms()}}).json()["version"], 2);
}

}  // namespace
}  // namespace voronka::testing

namespace voronka::testing {
namespace {

// The regulation report: the process's tasks (their kind is the rule) due in a month, per rule
// and manager; m1 missed one contact deadline and met one late in March 2025, met one early and
// has one still ahead in January 2030; m2 missed a proposal deadline in March 2025.
class RegulationTest : public ApiTest {
 protected:
  static void SetUpTestSuite() {
    ApiTest::SetUpTestSuite();
    auto work = [](const char* email, int64_t user, std::vector<std::tuple<const char*, const char*, bool>> tasks) {
      HttpClient c(server_->port());
      EXPECT_EQ(c.Login(email, kPassword), 200);
      auto deal = c.Post("/api/deals", {{"title", std::string("Регламент ") + email}, {"stage", "contact"}});
      EXPECT_EQ(deal.status, 201) << deal.body;
      for (const auto& [kind, due, done] : tasks) {
        auto t = c.Post("/api/tasks", {{"title", std::string("Задача ") + kind}, {"kind", kind}, {"due_at", due},
                                       {"deal_id", deal.json()["id"]}, {"assignee_id", user}});
        EXPECT_EQ(t.status, 201) << t.body;
        if (!done) continue;
        auto patched = c.Patch("/api/tasks/" + std::to_string(t.json()["id"].get<int64_t>()),
                               {{"version", t.json()["version"]}, {"done", true}});
        EXPECT_EQ(patched.status, 200) << patched.body;
      }
    };
    work("m1@test.ru", kM1,
         {{"get_contact", "2025-03-10T10:00:00Z", false}, {"get_contact", "2025-03-11T10:00:00Z", true},
          {"get_contact", "2030-01-15T10:00:00Z", true}, {"get_contact", "2030-01-16T10:00:00Z", false}});
    work("m2@test.ru", kM2, {{"prepare_proposal", "2025-03-12T10:00:00Z", false}});
  }

  static json Rule(const json& report, const std::string& code) {
    for (const auto& r : report["rules"])
      if (r["code"] == code) return r;
    return nullptr;
  }
};

TEST_F(RegulationTest, CountsEachRuleOfTheProcessPerManager) {
  auto head = As("head@test.ru");
  auto r = head->Get("/api/analytics/deviations?month=2025-03");
  ASSERT_EQ(r.status, 200) << r.body;
  json report = r.json();
  EXPECT_EQ(report["rules"][0]["code"], "take_lead");  // every rule with a deadline, in process order
  json contact = Rule(report, "get_contact");
  EXPECT_EQ(contact["title"]["ru"], "Узнать телефон, часовой пояс и удобное время звонка");
  EXPECT_TRUE(contact["checkpoint"]);
  EXPECT_EQ(contact["total"], json({{"due", 2}, {"on_time", 0}, {"late", 1}, {"missed", 1}, {"open", 0}}));
  EXPECT_EQ(contact["managers"][std::to_string(kM1)]["missed"], 1);
  EXPECT_EQ(Rule(report, "prepare_proposal")["total"]["missed"], 1);
  EXPECT_EQ(Rule(report, "prepare_proposal")["managers"][std::to_string(kM2)]["due"], 1);

  json future = head->Get("/api/analytics/deviations?month=2030-01").json();
  EXPECT_EQ(Rule(future, "get_contact")["total"], json({{"due", 1}, {"on_time", 1}, {"late", 0}, {"missed", 0}, {"open", 1}}));

  // One manager's view, asked by the head, and a manager's own.
  json only_m2 = head->Get("/api/analytics/deviations?month=2025-03&manager=" + std::to_string(kM2)).json();
  EXPECT_EQ(Rule(only_m2, "get_contact")["total"]["due"], 0);
  json own = As("m1@test.ru")->Get("/api/analytics/deviations?month=2025-03").json();
  EXPECT_EQ(Rule(own, "get_contact")["total"]["due"], 2);
  EXPECT_EQ(Rule(own, "prepare_proposal")["total"]["due"], 0);
  EXPECT_EQ(Rule(As("m3@test.ru")->Get("/api/analytics/deviations?month=2025-03").json(), "get_contact")["total"]["due"], 0);
}

TEST_F(RegulationTest, DrillsDownToTheTasksAndCardsAndExports) {
  auto head = As("head@test.ru");
  auto r = head->Get("/api/analytics/deviations/cards?month=2025-03&rule=get_contact&outcome=missed");
  ASSERT_EQ(r.status, 200) << r.body;
  json cards = r.json();
  ASSERT_EQ(cards["total"], 1);
  EXPECT_EQ(cards["items"][0]["deal_title"], "Регламент m1@test.ru");
  EXPECT_EQ(cards["items"][0]["due_at"], "2025-03-10T10:00:00Z");
  EXPECT_EQ(cards["items"][0]["outcome"], "missed");
  EXPECT_EQ(head->Get("/api/analytics/deviations/cards?month=2025-03&rule=get_contact").json()["total"], 2);
  EXPECT_EQ(head->Get("/api/analytics/deviations/cards?month=2025-03").status, 400);
  EXPECT_EQ(head->Get("/api/analytics/deviations/cards?rule=get_contact&outcome=soon").status, 400);
  EXPECT_EQ(head->Get("/api/analytics/deviations?group=manager").status, 400);

  auto csv = head->Get("/api/analytics/deviations/export?format=csv&month=2025-03");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_NE(csv.body.find("Узнать телефон, часовой пояс и удобное время звонка;Все;2;0;1;1;0;0"), std::string::npos)
      << csv.body;
  EXPECT_NE(csv.body.find("Узнать телефон, часовой пояс и удобное время звонка;Алексей Первый;2;0;1;1;0;"),
            std::string::npos);
  EXPECT_EQ(head->Get("/api/analytics/deviations/export?month=2025-03").body.substr(0, 2), "PK");
}

}  // namespace
}  // namespace voronka::testing
