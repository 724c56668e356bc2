// Core records over HTTP: create, read, update with versions, archive, list with filters,
// search, sort and cursor pages, and the audit trail.

#include "fixture.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

class RecordsTest : public ApiTest {};

TEST_F(RecordsTest, CreateReadUpdateArchiveWithAudit) {
  auto m1 = As("m1@test.ru");
  auto company = m1->Post("/api/companies", {{"name", "ООО «Ромашка»"}, {"inn", "7701234567"}});
  ASSERT_EQ(company.status, 201) << company.body;
  auto contact = m1->Post("/api/contacts", {{"name", "Иван Петров"},
                                            {"company_id", company.json()["id"]},
                                            {"phones", {"8 (916) 123-45-67"}},
                                            {"emails", {" Ivan@Romashka.RU "}},
                                            {"time_zone", "Asia/Yekaterinburg"}});
  ASSERT_EQ(contact.status, 201) << contact.body;
  EXPECT_EQ(contact.json()["phones"], json({"+79161234567"}));
  EXPECT_EQ(contact.json()["emails"], json({"ivan@romashka.ru"}));
  EXPECT_EQ(contact.json()["responsible_id"], kM1);  // defaults to the creator

  auto deal = m1->Post("/api/deals", {{"title", "Сайт для Ромашки"},
                                      {"amount", 4000000},
                                      {"contact_id", contact.json()["id"]},
                                      {"company_id", company.json()["id"]}});
  ASSERT_EQ(deal.status, 201) << deal.body;
  json d = deal.json();
  EXPECT_EQ(d["version"], 1);
  EXPECT_EQ(d["stage"], "incoming");
  EXPECT_EQ(d["status"], "open");
  EXPECT_EQ(d["currency"], "RUB");
  std::string url = "/api/deals/" + std::to_string(d["id"].get<int64_t>());

  auto read = m1->Get(url);
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.json()["title"], "Сайт для Ромашки");

  auto changed = m1->Patch(url, {{"version", 1}, {"amount", 4500000}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.json()["version"], 2);
  auto moved = m1->Post(url + "/move", {{"to", "contact"}, {"version", 2}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json()["deal"]["stage"], "contact");
  EXPECT_EQ(moved.json()["deal"]["version"], 3);

  auto lost = m1->Post(url + "/lost", {{"reason", "no_time"}, {"version", 3}});
  ASSERT_EQ(lost.status, 200) << lost.body;
  EXPECT_EQ(lost.json()["deal"]["stage"], "closing");

  auto archived = m1->Post(url + "/archive", {{"version", lost.json()["deal"]["version"]}});
  ASSERT_EQ(archived.status, 200) << archived.body;
  EXPECT_TRUE(archived.json()["archived"].get<bool>());
  // Archived records leave the default list but stay readable.
  auto list = m1->Get("/api/deals?q=Ромашки");
  EXPECT_TRUE(list.json()["items"].empty());
  auto all = m1->Get("/api/deals?q=Ромашки&archived=all");
  EXPECT_EQ(all.json()["items"].size(), 1u);

  auto audit = m1->Get(url + "/audit");
  ASSERT_EQ(audit.status, 200);
  json items = audit.json()["items"];
  ASSERT_EQ(items.size(), 6u) << items.dump();  // create, amount, stage, lost reason, stage, archive
  EXPECT_EQ(items[0]["action"], "create");
  auto stage = std::find_if(items.begin(), items.end(), [](const json& e) { return e["field"] == "stage"; });
  ASSERT_NE(stage, items.end());
  EXPECT_EQ((*stage)["old"], "incoming");
  EXPECT_EQ((*stage)["new"], "contact");
  EXPECT_EQ((*stage)["user_name"], "Алексей Первый");
  EXPECT_EQ(items.back()["action"], "archive");
}

TEST_F(RecordsTest, StaleVersionGets409WithCurrentRecord) {
  auto m1 = As("m1@test.ru");
  auto deal = m1->Post("/api/deals", {{"title", "Конфликт"}}).json();
  std::string url = "/api/deals/" + std::to_string(deal["id"].get<int64_t>());
  ASSERT_EQ(m1->Patch(url, {{"version", 1}, {"title", "Первая правка"}}).status, 200);
  auto stale = m1->Patch(url, {{"version", 1}, {"title", "Вторая правка"}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.json()["error"]["code"], "conflict");
  EXPECT_EQ(stale.json()["current"]["title"], "Первая правка");
  EXPECT_EQ(stale.json()["current"]["version"], 2);
  EXPECT_EQ(m1->Get(url).json()["title"], "Первая правка");  // nothing lost silently
  EXPECT_EQ(m1->Post(url + "/archive", {{"version", 1}}).status, 409);
}

TEST_F(RecordsTest, SearchFindsNamesPhonesAndEmailsInAnyCase) {
  auto m1 = As("m1@test.ru");
  ASSERT_EQ(m1->Post("/api/contacts", {{"name", "Светлана Ёлкина"}, {"phones", {"+7 903 555-12-34"}},
                                       {"emails", {"svetlana@elka.ru"}}}).status, 201);
  ASSERT_EQ(m1->Post("/api/contacts", {{"name", "Пётр Сосновский"}}).status, 201);
  auto by_name = m1->Get("/api/contacts?q=%D1%91%D0%BB%D0%BA%D0%B8%D0%BD%D0%B0");  // "ёлкина", lower case
  ASSERT_EQ(by_name.json()["items"].size(), 1u) << by_name.body;
  EXPECT_EQ(by_name.json()["items"][0]["name"], "Светлана Ёлкина");
  auto by_phone = m1->Get("/api/contacts?q=8%20903%20555");  // trunk prefix 8 → 7
  ASSERT_EQ(by_phone.json()["items"].size(), 1u);
  auto by_email = m1->Get("/api/contacts?q=ELKA.RU");
  ASSERT_EQ(by_email.json()["items"].size(), 1u);
  EXPECT_TRUE(m1->Get("/api/contacts?q=нет-такого").json()["items"].empty());
}

TEST_F(RecordsTest, CursorPagesCoverEveryRecordOnceInSortOrder) {
  auto m1 = As("m1@test.ru");
  for (int i = 0; i < 23; ++i)
    ASSERT_EQ(m1->Post("/api/deals", {{"title", "Сделка " + std::to_string(i)}, {"amount", (i % 5) * 100000},
                                      {"channel", i % 2 ? "phone" : "email"}}).status, 201);
  std::vector<int64_t> seen;
  std::vector<int64_t> amounts;
  std::string cursor;
  int pages = 0;
  do {
    auto page = m1->Get("/api/deals?sort=-amount&limit=5" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(page.status, 200) << page.body;
    json body = page.json();
    for (auto& d : body["items"]) {
      seen.push_back(d["id"].get<int64_t>());
      amounts.push_back(d["amount"].get<int64_t>());
    }
    cursor = body["next_cursor"].is_null() ? "" : body["next_cursor"].get<std::string>();
    ++pages;
  } while (!cursor.empty() && pages < 20);
  EXPECT_EQ(pages, 5);
  ASSERT_EQ(seen.size(), 23u);
  std::set<int64_t> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), 23u);
  EXPECT_TRUE(std::is_sorted(amounts.rbegin(), amounts.rend()));

  json phones = m1->Get("/api/deals?channel=phone&limit=100").json();
  EXPECT_EQ(phones["items"].size(), 11u);
  for (auto& d : phones["items"]) EXPECT_EQ(d["channel"], "phone");
  auto two = m1->Get("/api/deals?channel=phone,email&limit=100");
  EXPECT_EQ(two.json()["items"].size(), 23u);
  EXPECT_EQ(m1->Get("/api/deals?cursor=garbage").status, 400);
}

TEST_F(RecordsTest, ContactPhoneBelongsToOneContact) {
  auto m1 = As("m1@test.ru");
  auto first = m1->Post("/api/contacts", {{"name", "Первый"}, {"phones", {"+79990001122"}}});
  ASSERT_EQ(first.status, 201);
  auto dup = m1->Post("/api/contacts", {{"name", "Дубль"}, {"phones", {"8 999 000 11 22"}}});
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.json()["error"]["field"], "phones");
  EXPECT_EQ(dup.json()["existing_contact_id"], first.json()["id"]);
}

TEST_F(RecordsTest, TasksShowOverdueAndFilterByDueWindow) {
  auto m1 = As("m1@test.ru");
  ASSERT_EQ(m1->Post("/api/tasks", {{"title", "Просрочена"}, {"due_at", "2020-01-01T10:00:00+03:00"}}).status, 201);
  ASSERT_EQ(m1->Post("/api/tasks", {{"title", "В будущем"}, {"due_at", "2099-01-01T10:00:00Z"}}).status, 201);
  auto overdue = m1->Get("/api/tasks?overdue=true");
  ASSERT_EQ(overdue.json()["items"].size(), 1u);
  EXPECT_EQ(overdue.json()["items"][0]["title"], "Просрочена");
  EXPECT_TRUE(overdue.json()["items"][0]["overdue"].get<bool>());
  EXPECT_EQ(overdue.json()["items"][0]["due_at"], "2020-01-01T07:00:00Z");
  auto task = overdue.json()["items"][0];
  auto done = m1->Patch("/api/tasks/" + std::to_string(task["id"].get<int64_t>()), {{"version", 1}, {"done", true}});
  ASSERT_EQ(done.status, 200);
  EXPECT_FALSE(done.json()["done_at"].is_null());
  EXPECT_FALSE(done.json()["overdue"].get<bool>());
  EXPECT_TRUE(m1->Get("/api/tasks?overdue=true").json()["items"].empty());
}

TEST_F(RecordsTest, ActivityRecordsAuthorAndGoal) {
  auto m1 = As("m1@test.ru");
  auto deal = m1->Post("/api/deals", {{"title", "Звонок"}}).json();
  auto call = m1->Post("/api/activities", {{"type", "call"}, {"deal_id", deal["id"]}, {"goal", "Назначить встречу"},
                                           {"outcome", "Договорились"}, {"next_step", "Встреча"},
                                           {"next_step_at", "2026-12-01T12:00:00+03:00"}});
  ASSERT_EQ(call.status, 201) << call.body;
  EXPECT_EQ(call.json()["author_id"], kM1);
  EXPECT_FALSE(call.json()["occurred_at"].is_null());
  auto list = m1->Get("/api/activities?deal_id=" + std::to_string(deal["id"].get<int64_t>()));
  EXPECT_EQ(list.json()["items"].size(), 1u);
}

}  // namespace
}  // namespace voronka::testing

namespace voronka::testing {
namespace {

class CalendarFeedTest : public ApiTest {};

TEST_F(CalendarFeedTest, OpenTasksAreAnICalendarFeedForTheTokenHolder) {
  auto m1 = As("m1@test.ru");
  ASSERT_EQ(m1->Post("/api/tasks", {{"title", "Позвонить клиенту; уточнить бюджет"}, {"due_at", "2026-12-01T10:00:00+03:00"}}).status, 201);
  ASSERT_EQ(m1->Post("/api/tasks", {{"title", "Уже сделано"}, {"due_at", "2026-12-01T11:00:00Z"}, {"done", true}}).status, 201);
  std::string token = m1->Post("/api/tokens", {{"name", "calendar"}}).json()["token"];
  auto anon = Anonymous();
  auto feed = anon->Get("/api/calendar.ics?token=" + token);
  ASSERT_EQ(feed.status, 200) << feed.body;
  EXPECT_EQ(feed.header("content-type"), "text/calendar; charset=utf-8");
  EXPECT_NE(feed.body.find("BEGIN:VCALENDAR\r\n"), std::string::npos);
  EXPECT_NE(feed.body.find("DTSTART:20261201T070000Z"), std::string::npos) << feed.body;
  EXPECT_NE(feed.body.find("SUMMARY:Позвонить клиенту\\; уточнить бюджет"), std::string::npos) << feed.body;
  EXPECT_EQ(feed.body.find("Уже сделано"), std::string::npos);
  EXPECT_EQ(anon->Get("/api/calendar.ics").status, 401);
  EXPECT_EQ(anon->Get("/api/calendar.ics?token=vrk_wrong").status, 401);
  // Someone else's token shows their own tasks, not m1's.
  std::string other = As("m2@test.ru")->Post("/api/tokens", {{"name", "calendar"}}).json()["token"];
  EXPECT_EQ(anon->Get("/api/calendar.ics?token=" + other).body.find("Позвонить клиенту"), std::string::npos);
}

}  // namespace
}  // namespace voronka::testing
