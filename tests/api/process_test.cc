// The process over HTTP: intake starts the reference pipeline, moves obey exit checks,
// lost reasons run their follow-ups, notifications and the timeline record it all.

#include <unistd.h>

#include "fixture.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

class ProcessTest : public ApiTest {
 protected:
  json Intake(HttpClient& c, const std::string& channel, const std::string& who) {
    json lead = {{"channel", channel}, {"name", who}, {"phone", "+7916" + std::to_string(1000000 + counter_++)}};
    auto r = c.Post("/api/intake", lead);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()["deal"];
  }
  std::string Url(const json& deal, const std::string& tail = "") {
    return "/api/deals/" + std::to_string(deal["id"].get<int64_t>()) + tail;
  }
  static std::vector<std::string> TaskKinds(HttpClient& c, const json& deal) {
    std::vector<std::string> kinds;
    json tasks = c.Get("/api/tasks?deal_id=" + std::to_string(deal["id"].get<int64_t>()) + "&sort=due_at").json();
    for (auto& t : tasks["items"]) kinds.push_back(t["kind"].is_null() ? "" : t["kind"].get<std::string>());
    std::sort(kinds.begin(), kinds.end());
    return kinds;
  }
  int counter_ = 0;
};

TEST_F(ProcessTest, SiteLeadGetsContactTaskAndPhoneLeadGoesToScreening) {
  auto m1 = As("m1@test.ru");
  json site = Intake(*m1, "site_form", "Сайт Сайтов");
  EXPECT_EQ(site["stage"], "contact");
  EXPECT_EQ(TaskKinds(*m1, site), (std::vector<std::string>{"get_contact", "take_lead"}));
  json tasks = m1->Get("/api/tasks?deal_id=" + std::to_string(site["id"].get<int64_t>()) + "&kind=get_contact").json();
  ASSERT_EQ(tasks["items"].size(), 1u);
  auto created = ParseIsoForTest(site["created_at"].get<std::string>());
  auto due = ParseIsoForTest(tasks["items"][0]["due_at"].get<std::string>());
  EXPECT_EQ(due - created, 30 * 60);  // 30 minutes from receipt
  EXPECT_EQ(tasks["items"][0]["assignee_id"], kM1);

  json call = Intake(*m1, "phone", "Звонков");
  EXPECT_EQ(call["stage"], "screening");
  EXPECT_EQ(TaskKinds(*m1, call), (std::vector<std::string>{"screening_call", "take_lead"}));
}

TEST_F(ProcessTest, ExitChecksRefuseWithTheMissingItemsThenAllowTheMove) {
  auto m1 = As("m1@test.ru");
  json deal = Intake(*m1, "email", "Почтов");
  auto refused = m1->Post(Url(deal, "/move"), {{"to", "screening"}});
  ASSERT_EQ(refused.status, 422) << refused.body;
  json missing = refused.json()["missing"];
  ASSERT_EQ(missing.size(), 3u);
  EXPECT_EQ(missing[0]["code"], "phone");
  EXPECT_EQ(missing[0]["ru"], "Телефон получен");
  EXPECT_EQ(m1->Get(Url(deal)).json()["stage"], "contact");  // nothing moved

  for (const char* item : {"phone", "time_zone", "call_time"})
    ASSERT_EQ(m1->Post(Url(deal, "/check"), {{"item", item}}).status, 200);
  auto process = m1->Get(Url(deal, "/process")).json();
  EXPECT_EQ(process["stage"]["code"], "contact");
  EXPECT_EQ(process["checked"].size(), 3u);
  EXPECT_FALSE(process["stage"]["script"].empty());

  auto moved = m1->Post(Url(deal, "/move"), {{"to", "screening"}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json()["deal"]["stage"], "screening");
  auto bad = m1->Post(Url(deal, "/move"), {{"to", "won"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.json()["error"]["message"].get<std::string>().find("allowed: scoring"), std::string::npos);
}

TEST_F(ProcessTest, StaleVersionOnMoveIsAConflict) {
  auto m1 = As("m1@test.ru");
  json deal = Intake(*m1, "phone", "Версионов");
  auto r = m1->Post(Url(deal, "/move"), {{"to", "scoring"}, {"version", 1}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.json()["current"]["stage"], "screening");
}

TEST_F(ProcessTest, PostponedLeadClosesWithAFollowUpTaskOnTheDate) {
  auto m1 = As("m1@test.ru");
  json deal = Intake(*m1, "phone", "Отложенов");
  auto refused = m1->Post(Url(deal, "/lost"), {{"reason", "postponed"}});
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(refused.json()["missing"][0]["code"], "follow_up_at");
  auto lost = m1->Post(Url(deal, "/lost"), {{"reason", "postponed"}, {"fields", {{"follow_up_at", "2027-03-01T10:00:00+03:00"}}}});
  ASSERT_EQ(lost.status, 200) << lost.body;
  EXPECT_EQ(lost.json()["deal"]["status"], "lost");
  EXPECT_EQ(lost.json()["deal"]["lost_reason"], "postponed");
  json tasks = m1->Get("/api/tasks?deal_id=" + std::to_string(deal["id"].get<int64_t>()) + "&kind=follow_up_postponed").json();
  ASSERT_EQ(tasks["items"].size(), 1u);
  EXPECT_EQ(tasks["items"][0]["due_at"], "2027-03-01T07:00:00Z");
  EXPECT_EQ(m1->Post(Url(deal, "/lost"), {{"reason", "nonsense"}}).status, 400);
}

TEST_F(ProcessTest, WaitingForADecisionMakerGoesBackToTheDeepInterview) {
  auto m1 = As("m1@test.ru");
  json deal = Intake(*m1, "phone", "Решалов");
  auto r = m1->Post(Url(deal, "/lost"), {{"reason", "waiting_decision"}, {"fields", {{"decision_maker", "Финдиректор"}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["deal"]["stage"], "deep_interview");
  EXPECT_EQ(r.json()["deal"]["status"], "open");
}

TEST_F(ProcessTest, ProposalOpenedCreatesACallTaskAndTheTimelineShowsIt) {
  auto m1 = As("m1@test.ru");
  json deal = Intake(*m1, "phone", "Открывалов");
  ASSERT_EQ(m1->Post(Url(deal, "/events"), {{"name", "proposal_opened"}}).status, 200);
  auto kinds = TaskKinds(*m1, deal);
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "call_after_open"), kinds.end());
  json timeline = m1->Get(Url(deal, "/timeline")).json();
  bool has_stage = false, has_task = false;
  for (auto& e : timeline["items"]) {
    if (e["kind"] != "process") continue;
    has_stage = has_stage || e["text"] == "stage incoming -> screening";
    has_task = has_task || e["text"].get<std::string>().rfind("task call_after_open", 0) == 0;
  }
  EXPECT_TRUE(has_stage);
  EXPECT_TRUE(has_task);
  EXPECT_EQ(m1->Post(Url(deal, "/events"), {{"name", "Bad Name"}}).status, 400);
}

TEST_F(ProcessTest, CompletingACheckpointTaskCancelsItsDeadline) {
  auto m1 = As("m1@test.ru");
  json deal = Intake(*m1, "site_form", "Быстров");
  auto before = m1->Get(Url(deal, "/process")).json();
  bool armed = false;
  for (auto& t : before["timers"]) armed = armed || t["code"] == "task:take_lead";
  ASSERT_TRUE(armed);
  json tasks = m1->Get("/api/tasks?deal_id=" + std::to_string(deal["id"].get<int64_t>()) + "&kind=take_lead").json();
  json task = tasks["items"][0];
  ASSERT_EQ(m1->Patch("/api/tasks/" + std::to_string(task["id"].get<int64_t>()),
                      {{"version", task["version"]}, {"done", true}}).status, 200);
  auto after = m1->Get(Url(deal, "/process")).json();
  for (auto& t : after["timers"]) EXPECT_NE(t["code"], "task:take_lead");
}

TEST_F(ProcessTest, OtherManagersCannotDriveSomeoneElsesCard) {
  auto m1 = As("m1@test.ru");
  json deal = Intake(*m1, "phone", "Чужов");
  auto m3 = As("m3@test.ru");
  EXPECT_EQ(m3->Post(Url(deal, "/move"), {{"to", "scoring"}}).status, 403);
  EXPECT_EQ(m3->Get(Url(deal, "/process")).status, 403);
  EXPECT_EQ(As("owner@test.ru")->Post(Url(deal, "/check"), {{"item", "x"}}).status, 403);
}

// Values for every parameter of the shipped model, all set to `v`.
json AllValues(HttpClient& c, int v) {
  json model = c.Get("/api/scoring/model").json();
  json values = json::object();
  for (auto& b : model["blocks"])
    for (auto& p : b["parameters"]) values[p["code"].get<std::string>()] = v;
  return values;
}

TEST_F(ProcessTest, ScoringRoutesBySegment) {
  auto m1 = As("m1@test.ru");
  json model = m1->Get("/api/scoring/model").json();
  ASSERT_EQ(model["blocks"].size(), 3u);
  // Segment A: working group asked of the head, interview preparation.
  json a = Intake(*m1, "phone", "Випов");
  auto scored = m1->Post(Url(a, "/score"), {{"values", AllValues(*m1, 1)}});
  ASSERT_EQ(scored.status, 200) << scored.body;
  EXPECT_EQ(scored.json()["scoring"]["total"], 15);
  EXPECT_EQ(scored.json()["deal"]["segment"], "A");
  EXPECT_EQ(scored.json()["deal"]["score"], 15);
  EXPECT_EQ(scored.json()["deal"]["stage"], "interview_prep");
  auto head = As("head@test.ru");
  json notes = head->Get("/api/notifications?unread=true").json();
  bool asked = false;
  for (auto& n : notes["items"]) asked = asked || n["kind"] == "working_group";
  EXPECT_TRUE(asked);
  // Segment C: closed as lost with the rejection e-mail queued.
  json c = Intake(*m1, "phone", "Отказов");
  auto rejected = m1->Post(Url(c, "/score"), {{"values", AllValues(*m1, -1)}});
  ASSERT_EQ(rejected.status, 200);
  EXPECT_EQ(rejected.json()["deal"]["status"], "lost");
  EXPECT_EQ(rejected.json()["deal"]["lost_reason"], "segment_c");
  // Rescoring is recorded in the history.
  json b = Intake(*m1, "phone", "Середнячков");
  ASSERT_EQ(m1->Post(Url(b, "/score"), {{"values", AllValues(*m1, 0)}}).status, 200);
  json values = AllValues(*m1, 0);
  values[values.begin().key()] = 1;
  ASSERT_EQ(m1->Post(Url(b, "/score"), {{"values", values}}).status, 200);
  json audit = m1->Get(Url(b, "/audit")).json();
  int score_changes = 0;
  for (auto& e : audit["items"]) score_changes += e["field"] == "score";
  EXPECT_EQ(score_changes, 2);
  // Bad input names the parameter.
  json bad = AllValues(*m1, 0);
  bad[bad.begin().key()] = 2;
  auto r = m1->Post(Url(b, "/score"), {{"values", bad}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["error"]["field"], "values." + bad.begin().key());
}

TEST_F(ProcessTest, NotificationsArriveLiveOverServerSentEvents) {
  auto head = As("head@test.ru");
  int fd = head->OpenStream("/api/notifications/stream");
  ASSERT_GE(fd, 0);
  std::string first = HttpClient::ReadUntil(fd, "event: unread", 5000);
  EXPECT_NE(first.find("text/event-stream"), std::string::npos) << first;
  EXPECT_NE(first.find("event: unread"), std::string::npos) << first;
  // A manager scores a lead into segment A: the head is asked to form the working group.
  auto m1 = As("m1@test.ru");
  json deal = Intake(*m1, "phone", "Живов");
  ASSERT_EQ(m1->Post(Url(deal, "/score"), {{"values", AllValues(*m1, 1)}}).status, 200);
  std::string pushed = HttpClient::ReadUntil(fd, "working_group", 5000);
  close(fd);
  EXPECT_NE(pushed.find("event: notification"), std::string::npos) << pushed;
  EXPECT_NE(pushed.find("working_group"), std::string::npos) << pushed;
}

TEST_F(ProcessTest, CallWindowsRespectTheClientsTimeZone) {
  auto m1 = As("m1@test.ru");
  auto contact = m1->Post("/api/contacts", {{"name", "Владивостоков"}, {"time_zone", "Asia/Vladivostok"}});
  ASSERT_EQ(contact.status, 201);
  auto r = m1->Get("/api/contacts/" + std::to_string(contact.json()["id"].get<int64_t>()) + "/call_windows?days=7");
  ASSERT_EQ(r.status, 200) << r.body;
  json windows = r.json()["windows"];
  ASSERT_FALSE(windows.empty());
  for (auto& w : windows) {
    // Vladivostok is UTC+10: 10:00–19:00 there is 00:00–09:00 UTC; our day is 06:00–15:00 UTC.
    int from_h = std::stoi(w["from"].get<std::string>().substr(11, 2));
    int to_h = std::stoi(w["to"].get<std::string>().substr(11, 2));
    EXPECT_GE(from_h, 6) << w.dump();
    EXPECT_LE(to_h, 9) << w.dump();
  }
  EXPECT_EQ(m1->Get("/api/contacts/1/call_windows?days=99").status, 400);
}

TEST_F(ProcessTest, ADepartmentWorksToItsOwnCalendar) {
  auto head = As("head@test.ru");
  std::string yaml = "time_zone: Asia/Vladivostok\nworking_hours: {start: \"09:00\", end: \"18:00\"}\n";
  auto set = head->Request("PUT", "/api/teams/1/calendar", json({{"yaml", yaml}}).dump());
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json()["time_zone"], "Asia/Vladivostok");
  EXPECT_EQ(head->Get("/api/teams/1/calendar").json()["yaml"], yaml);

  // A manager of that team is offered call times in the department's working day (09–18 there).
  auto m1 = As("m1@test.ru");
  auto contact = m1->Post("/api/contacts", {{"name", "Приморский клиент"}, {"time_zone", "Asia/Vladivostok"}});
  ASSERT_EQ(contact.status, 201);
  auto r = m1->Get("/api/contacts/" + std::to_string(contact.json()["id"].get<int64_t>()) + "/call_windows?days=7");
  ASSERT_EQ(r.status, 200) << r.body;
  json suggested = r.json();
  EXPECT_EQ(suggested["our_time_zone"], "Asia/Vladivostok");
  ASSERT_FALSE(suggested["windows"].empty());
  for (auto& w : suggested["windows"]) {
    // 10:00–18:00 in Vladivostok is 00:00–08:00 UTC (a Moscow office could not call before 06:00 UTC).
    EXPECT_LE(std::stoi(w["to"].get<std::string>().substr(11, 2)), 8) << w.dump();
  }
  // Another team keeps the company default.
  auto m3 = As("m3@test.ru");
  auto other = m3->Post("/api/contacts", {{"name", "Москвич"}, {"time_zone", "Europe/Moscow"}});
  EXPECT_EQ(m3->Get("/api/contacts/" + std::to_string(other.json()["id"].get<int64_t>()) + "/call_windows").json()["our_time_zone"],
            "Europe/Moscow");

  // Only the team's head (or an admin) changes it, and mistakes come back with their lines.
  EXPECT_EQ(m1->Request("PUT", "/api/teams/1/calendar", json({{"yaml", nullptr}}).dump()).status, 403);
  EXPECT_EQ(head->Request("PUT", "/api/teams/2/calendar", json({{"yaml", nullptr}}).dump()).status, 403);
  auto bad = head->Request("PUT", "/api/teams/1/calendar", json({{"yaml", "time_zone: Europe/Moskva\ndays_off: [funday]\n"}}).dump());
  EXPECT_EQ(bad.status, 400);
  std::string message = bad.json()["error"]["message"].get<std::string>();
  EXPECT_NE(message.find("calendar:1:"), std::string::npos) << message;
  EXPECT_NE(message.find("calendar:2:"), std::string::npos) << message;
  EXPECT_EQ(head->Request("PUT", "/api/teams/9999/calendar", json({{"yaml", nullptr}}).dump()).status, 404);
  // Back to the default.
  auto reset = head->Request("PUT", "/api/teams/1/calendar", json({{"yaml", nullptr}}).dump());
  EXPECT_EQ(reset.status, 200);
  EXPECT_EQ(reset.json()["default"], true);
}

TEST_F(ProcessTest, PipelinesAreServed) {
  auto m1 = As("m1@test.ru");
  json list = m1->Get("/api/pipelines").json();
  ASSERT_EQ(list["items"].size(), 2u);
  json it = m1->Get("/api/pipelines/it_studio").json();
  EXPECT_EQ(it["stages"].size(), 11u);
  EXPECT_EQ(it["stages"][8]["name"]["ru"], "Дожим");
  EXPECT_EQ(m1->Get("/api/pipelines/nope").status, 404);
}

}  // namespace
}  // namespace voronka::testing

namespace voronka::testing {
namespace {

using nlohmann::json;

class VersionsTest : public ApiTest {};

TEST_F(VersionsTest, EditedPipelineIsANewVersionAndRunningCardsKeepTheirsUntilMigrated) {
  auto head = As("head@test.ru");
  auto m1 = As("m1@test.ru");
  auto v1 = head->Get("/api/pipelines/it_studio").json();
  ASSERT_EQ(v1["version"], 1);
  std::string yaml = v1["yaml"];
  auto old_card = m1->Post("/api/intake", {{"channel", "phone"}, {"name", "Старый"}, {"phone", "+79161110000"}}).json()["deal"];

  // The head shortens the proposal deadline: 2 business days → 1.
  std::string edited = yaml;
  auto pos = edited.find("code: prepare_proposal");
  ASSERT_NE(pos, std::string::npos);
  pos = edited.find("due: 2 business days", pos);
  edited.replace(pos, std::string("due: 2 business days").size(), "due: 1 business days");
  EXPECT_EQ(m1->Post("/api/pipelines", {{"yaml", edited}}).status, 403);
  auto published = head->Post("/api/pipelines", {{"yaml", edited}});
  ASSERT_EQ(published.status, 201) << published.body;
  EXPECT_EQ(published.json()["version"], 2);

  auto diff = head->Get("/api/pipelines/it_studio/diff").json();
  ASSERT_EQ(diff["changes"].size(), 1u);
  EXPECT_NE(diff["changes"][0].get<std::string>().find("task prepare_proposal due 1 business days"), std::string::npos);

  auto new_card = m1->Post("/api/intake", {{"channel", "phone"}, {"name", "Новый"}, {"phone", "+79161110001"}}).json()["deal"];
  auto url = [](const json& d) { return "/api/deals/" + std::to_string(d["id"].get<int64_t>()) + "/process"; };
  EXPECT_EQ(m1->Get(url(old_card)).json()["pipeline_version"], 1);
  EXPECT_EQ(m1->Get(url(new_card)).json()["pipeline_version"], 2);

  auto migrated = head->Post("/api/pipelines/it_studio/migrate", {{"to_version", 2}});
  ASSERT_EQ(migrated.status, 200) << migrated.body;
  EXPECT_GE(migrated.json()["migrated"].get<int>(), 1);
  EXPECT_EQ(m1->Get(url(old_card)).json()["pipeline_version"], 2);
  EXPECT_EQ(head->Get("/api/pipelines/it_studio/versions").json()["items"].size(), 2u);
}

TEST_F(VersionsTest, BrokenYamlIsRefusedWithEveryProblemAndItsLine) {
  auto head = As("head@test.ru");
  auto r = head->Post("/api/pipelines", {{"yaml", "code: x\nname: {ru: X, en: X}\nstages:\n  - code: a\n    nme: A\n"}});
  ASSERT_EQ(r.status, 400);
  json problems = r.json()["problems"];
  ASSERT_EQ(problems.size(), 2u) << r.body;
  EXPECT_EQ(problems[0]["line"], 5);
  EXPECT_NE(problems[0]["message"].get<std::string>().find("unknown key 'nme'"), std::string::npos);
  EXPECT_EQ(head->Get("/api/pipelines/x").status, 404);
}

}  // namespace
}  // namespace voronka::testing
