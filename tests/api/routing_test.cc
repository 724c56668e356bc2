// Lead routing and absences over HTTP: the head's rules pick the person by channel and
// segment, round robin alternates, people off shift or absent are skipped, an untaken lead
// moves on after its SLA with the head told and the timeline showing it, and an absence hands
// the person's tasks to the stand-in and gives them back after.
//
// The server runs on a clock the test sets (serve --clock-file): Monday 23 November 2026,
// 10:00 in Moscow, when the default calendar is at work.

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "fixture.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

constexpr const char* kMonday10 = "2026-11-23T07:00:00Z";

class RoutingTest : public ApiTest {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<ServerProcess>();
    SetNow(kMonday10);
    server_->AddUser("admin@test.ru", "admin", kPassword, "Админ");
    server_->AddUser("owner@test.ru", "owner", kPassword, "Владелец");
    server_->AddUser("curator@test.ru", "curator", kPassword, "Куратор");
    server_->AddUser("head@test.ru", "head", kPassword, "Ирина Руководитель");
    server_->AddUser("m1@test.ru", "manager", kPassword, "Алексей Первый", true);
    server_->AddUser("m2@test.ru", "manager", kPassword, "Мария Вторая", true);
    server_->AddUser("m3@test.ru", "manager", kPassword, "Дмитрий Третий", false);
    server_->Start({"--clock-file", ClockFile()});
    HttpClient admin(server_->port());
    EXPECT_EQ(admin.Login("admin@test.ru", kPassword), 200);
    auto team = admin.Post("/api/teams", {{"name", "Sales"}, {"head_id", kHead}});
    EXPECT_EQ(team.status, 201) << team.body;
    auto other = admin.Post("/api/teams", {{"name", "Other"}});
    other_team_ = other.json()["id"].get<int64_t>();
    for (int64_t id : {kHead, kM1, kM2}) SetTeam(admin, id, team.json()["id"].get<int64_t>());
    SetTeam(admin, kM3, other_team_);
  }

  static std::string ClockFile() { return server_->dir() + "/clock"; }
  static void SetNow(const std::string& iso) {
    std::ofstream(ClockFile() + ".tmp") << iso << "\n";
    std::rename((ClockFile() + ".tmp").c_str(), ClockFile().c_str());
  }

  void PutRules(const std::string& yaml) {
    auto r = As("head@test.ru")->Request("PUT", "/api/routing", json{{"yaml", yaml}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }
  json Lead(HttpClient& c, const std::string& channel) {
    json lead = {{"channel", channel}, {"name", "Клиент"}, {"phone", "+7916" + std::to_string(2000000 + counter_++)}};
    auto r = c.Post("/api/intake", lead);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()["deal"];
  }
  static std::string Url(const json& deal, const std::string& tail = "") {
    return "/api/deals/" + std::to_string(deal["id"].get<int64_t>()) + tail;
  }
  static int64_t Responsible(HttpClient& c, const json& deal) {
    return c.Get(Url(deal)).json()["responsible_id"].get<int64_t>();
  }
  // The routing lines of the card's timeline.
  static std::vector<std::string> RoutingTimeline(HttpClient& c, const json& deal) {
    std::vector<std::string> out;
    json items = c.Get(Url(deal, "/timeline")).json()["items"];
    for (const auto& i : items)
      if (i["kind"] == "process" && i["event"].get<std::string>().rfind("routing", 0) == 0)
        out.push_back(i["event"].get<std::string>() + ": " + i["text"].get<std::string>());
    return out;
  }
  // Waits for the server's background sweep (about once a second).
  template <class F>
  static bool Eventually(F done) {
    for (int i = 0; i < 100; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  static inline int64_t other_team_ = 0;
  int counter_ = 0;
};

TEST_F(RoutingTest, RulesPickThePersonByChannelAndSegment) {
  PutRules(R"(groups:
  juniors: {users: [m3@test.ru]}
rules:
  - name: segment_c_juniors
    when: {segment: C}
    to: juniors
  - name: calls_to_maria
    when: {channel: phone}
    to: {users: [m2@test.ru]}
  - name: default
    to: {users: [5]}
)");
  auto admin = As("admin@test.ru");
  auto call = Lead(*admin, "phone");
  auto mail = Lead(*admin, "email");
  EXPECT_EQ(call["responsible_id"], kM2);
  EXPECT_EQ(mail["responsible_id"], kM1);
  auto head = As("head@test.ru");
  auto lines = RoutingTimeline(*head, call);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("routing assign: assigned to Мария Вторая by rule calls_to_maria"), std::string::npos)
      << lines[0];

  // Scoring put the mail lead in segment C: routed again, it goes to the juniors.
  auto deal = head->Get(Url(mail)).json();
  ASSERT_EQ(head->Patch(Url(mail), {{"version", deal["version"]}, {"segment", "C"}}).status, 200);
  auto preview = head->Post(Url(mail, "/route"), {{"dry_run", true}});
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_EQ(preview.json()["user_id"], kM3);
  EXPECT_EQ(Responsible(*head, mail), kM1);
  auto routed = head->Post(Url(mail, "/route"), json::object());
  ASSERT_EQ(routed.status, 200) << routed.body;
  EXPECT_EQ(routed.json()["rule"], "segment_c_juniors");
  EXPECT_EQ(Responsible(*admin, mail), kM3);  // now outside the head's team
  EXPECT_EQ(As("m1@test.ru")->Post(Url(call, "/route"), json::object()).status, 403);
}

TEST_F(RoutingTest, BrokenRulesAreRefusedWithLineAndColumn) {
  auto head = As("head@test.ru");
  auto r = head->Request("PUT", "/api/routing",
                         json{{"yaml", "rules:\n  - name: a\n    to: {users: [nobody@test.ru]}\n    sla: soon\n"}}.dump());
  ASSERT_EQ(r.status, 400) << r.body;
  json problems = r.json()["problems"];
  ASSERT_EQ(problems.size(), 1u) << r.body;
  EXPECT_EQ(problems[0]["text"], "routing.yaml:4:10: sla must be a duration such as 90s, 15m or 2h");
  r = head->Request("PUT", "/api/routing", json{{"yaml", "rules:\n  - name: a\n    to: {users: [nobody@test.ru]}\n"}}.dump());
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json()["problems"][0]["text"], "routing.yaml:3:18: no active user 'nobody@test.ru'");
  EXPECT_EQ(As("m1@test.ru")->Request("PUT", "/api/routing", json{{"yaml", nullptr}}.dump()).status, 403);
  // The shipped default is in force until the head saves theirs.
  auto current = head->Get("/api/routing").json();
  EXPECT_TRUE(current["default"].get<bool>());
  EXPECT_NE(current["yaml"].get<std::string>().find("segment_c_juniors"), std::string::npos);
}

TEST_F(RoutingTest, RoundRobinAlternatesAndSkipsPeopleOffShiftOrAbsent) {
  PutRules("rules:\n  - name: everyone\n    to: {users: [5, 6, 7]}\n    strategy: round_robin\n");
  auto admin = As("admin@test.ru");
  // The other team (m3) works evenings: at 10:00 nobody there is on shift.
  auto cal = admin->Request("PUT", "/api/teams/" + std::to_string(other_team_) + "/calendar",
                            json{{"yaml", "working_hours: {start: \"18:00\", end: \"23:00\"}\n"}}.dump());
  ASSERT_EQ(cal.status, 200) << cal.body;
  std::vector<int64_t> got;
  for (int i = 0; i < 4; ++i) got.push_back(Lead(*admin, "site_form")["responsible_id"]);
  EXPECT_EQ(got, (std::vector<int64_t>{kM1, kM2, kM1, kM2}));

  // m1 goes on vacation from now on: every new lead skips him.
  auto m1 = As("m1@test.ru");
  auto absence = m1->Post("/api/absences", {{"kind", "vacation"}, {"starts_at", "2026-11-23T00:00:00Z"},
                                            {"ends_at", "2026-11-30T00:00:00Z"}, {"stand_in_id", kM2}});
  ASSERT_EQ(absence.status, 201) << absence.body;
  got.clear();
  for (int i = 0; i < 3; ++i) got.push_back(Lead(*admin, "site_form")["responsible_id"]);
  EXPECT_EQ(got, (std::vector<int64_t>{kM2, kM2, kM2}));

  // Evening: m3's team is at work and m2's is not; m1 is still away.
  SetNow("2026-11-23T16:00:00Z");  // 19:00 in Moscow
  admin = As("admin@test.ru");
  EXPECT_EQ(Lead(*admin, "site_form")["responsible_id"], kM3);
  EXPECT_EQ(Lead(*admin, "site_form")["responsible_id"], kM3);
  SetNow(kMonday10);
}

TEST_F(RoutingTest, AnUntakenLeadMovesOnAfterTheSlaAndTheHeadIsTold) {
  PutRules("rules:\n  - name: sales_desk\n    to: {users: [5, 6]}\n    sla: 15m\n");
  auto admin = As("admin@test.ru");
  auto ignored = Lead(*admin, "site_form");  // → m1, who does nothing
  auto taken = Lead(*admin, "site_form");    // → m2, who logs a call a minute later
  ASSERT_EQ(ignored["responsible_id"], kM1);
  ASSERT_EQ(taken["responsible_id"], kM2);
  SetNow("2026-11-23T07:01:00Z");
  auto m2 = As("m2@test.ru");
  auto call = m2->Post("/api/activities", {{"type", "call"}, {"deal_id", taken["id"]}, {"goal", "Знакомство"}});
  ASSERT_EQ(call.status, 201) << call.body;

  SetNow("2026-11-23T07:14:00Z");  // within the SLA: nothing moves
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto head = As("head@test.ru");
  EXPECT_EQ(Responsible(*head, ignored), kM1);

  SetNow("2026-11-23T07:16:00Z");
  head = As("head@test.ru");
  ASSERT_TRUE(Eventually([&] { return Responsible(*head, ignored) == kM2; })) << "the lead was not re-routed";
  EXPECT_EQ(Responsible(*head, taken), kM2);  // taken in time: stays

  auto lines = RoutingTimeline(*head, ignored);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("assigned to Алексей Первый by rule sales_desk"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("routing reroute: re-routed from Алексей Первый to Мария Вторая by rule sales_desk: "
                          "not taken within 16 min"),
            std::string::npos)
      << lines[1];
  EXPECT_EQ(RoutingTimeline(*head, taken).size(), 1u);

  json notes = head->Get("/api/notifications").json()["items"];
  bool told = false;
  for (const auto& n : notes) told = told || (n["kind"] == "routing" && n["deal_id"] == ignored["id"]);
  EXPECT_TRUE(told) << notes.dump();

  // The card's open tasks went with it.
  json tasks = head->Get("/api/tasks?deal_id=" + std::to_string(ignored["id"].get<int64_t>())).json()["items"];
  ASSERT_FALSE(tasks.empty());
  for (const auto& t : tasks) {
    if (!t["done"].get<bool>()) {
      EXPECT_EQ(t["assignee_id"], kM2) << t.dump();
    }
  }
}

TEST_F(RoutingTest, AnAbsenceHandsTasksToTheStandInAndBack) {
  // A lead routed to m1 brings its first task, set by the admin who took the lead in; m1 takes it.
  auto admin = As("admin@test.ru");
  auto lead = Lead(*admin, "site_form");
  ASSERT_EQ(lead["responsible_id"], kM1);
  auto m1 = As("m1@test.ru");
  ASSERT_EQ(m1->Post("/api/activities", {{"type", "note"}, {"deal_id", lead["id"]}, {"body", "Беру"}}).status, 201);
  json tasks = m1->Get("/api/tasks?deal_id=" + std::to_string(lead["id"].get<int64_t>())).json()["items"];
  ASSERT_FALSE(tasks.empty());
  std::string task_url = "/api/tasks/" + std::to_string(tasks[0]["id"].get<int64_t>());
  ASSERT_EQ(tasks[0]["assignee_id"], kM1);
  ASSERT_EQ(tasks[0]["author_id"], kAdmin);

  // A manager marks only their own absence; the head marks the team's.
  EXPECT_EQ(m1->Post("/api/absences", {{"user_id", kM2}, {"kind", "vacation"}, {"starts_at", "2026-11-23"},
                                       {"ends_at", "2026-11-24"}, {"stand_in_id", kM1}})
                .status,
            403);
  EXPECT_EQ(m1->Post("/api/absences", {{"kind", "holiday"}, {"starts_at", "2026-11-23"}, {"ends_at", "2026-11-24"},
                                       {"stand_in_id", kM2}})
                .status,
            400);
  auto head = As("head@test.ru");
  auto absence = head->Post("/api/absences", {{"user_id", kM1}, {"kind", "sick_leave"}, {"starts_at", "2026-11-23"},
                                              {"ends_at", "2026-11-25"}, {"stand_in_id", kM2}});
  ASSERT_EQ(absence.status, 201) << absence.body;
  EXPECT_EQ(absence.json()["state"], "active");
  EXPECT_GE(absence.json()["moved_tasks"].get<int>(), 1);
  auto moved = head->Get(task_url).json();
  EXPECT_EQ(moved["assignee_id"], kM2);
  EXPECT_EQ(moved["author_id"], kAdmin);
  // Overlapping absences are refused; the head and the stand-in see it, the other team does not.
  EXPECT_EQ(head->Post("/api/absences", {{"user_id", kM1}, {"kind", "vacation"}, {"starts_at", "2026-11-24"},
                                         {"ends_at", "2026-11-26"}, {"stand_in_id", kM2}})
                .status,
            409);
  EXPECT_EQ(head->Get("/api/absences").json()["items"].size(), 1u);
  EXPECT_EQ(As("m2@test.ru")->Get("/api/absences").json()["items"].size(), 1u);
  EXPECT_EQ(As("m3@test.ru")->Get("/api/absences").json()["items"].size(), 0u);

  // The absence is over: the task comes back to m1, its author unchanged.
  SetNow("2026-11-25T07:00:00Z");
  head = As("head@test.ru");
  ASSERT_TRUE(Eventually([&] { return head->Get(task_url).json()["assignee_id"] == kM1; }))
      << head->Get(task_url).body;
  EXPECT_EQ(head->Get(task_url).json()["author_id"], kAdmin);
  EXPECT_EQ(head->Get("/api/absences?from=2026-11-01").json()["items"][0]["state"], "ended");
  SetNow(kMonday10);
}

}  // namespace
}  // namespace voronka::testing
