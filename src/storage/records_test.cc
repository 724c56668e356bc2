#include "storage/records.h"

#include <gtest/gtest.h>

#include "storage/test_db.h"

namespace voronka::storage {
namespace {

using nlohmann::json;

const domain::EntitySpec& Spec(const char* name) { return *domain::FindEntity(name); }

domain::FieldValues Create(const char* entity, const json& body) {
  auto r = domain::ValidateCreate(Spec(entity), body);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.value();
}

class RecordStoreTest : public ::testing::Test {
 protected:
  TestDb t;
  json Add(const char* entity, const json& body, std::optional<int64_t> user = 1, TimeMs now = 1000) {
    auto tx = t.db().Begin(TxMode::kWrite);
    auto r = CreateRecord(*tx, Spec(entity), Create(entity, body), {user, now});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    tx->Commit();
    return r.ok() ? r.value() : json();
  }
};

TEST_F(RecordStoreTest, CreatedRecordEqualsWhatIsReadBack) {
  auto tx0 = t.db().Begin(TxMode::kWrite);
  tx0->Exec("INSERT INTO users (created_at, updated_at, email, name, role) VALUES (1,1,'a@a.ru','A','manager')");
  tx0->Commit();
  for (const auto& [entity, body] : std::vector<std::pair<const char*, json>>{
           {"deals", {{"title", "Сайт"}, {"members", {1}}, {"decision_date", "2026-05-01T10:00:00+03:00"}}},
           {"contacts", {{"name", "Иван"}, {"phones", {"8 916 111 22 33"}}}},
           {"tasks", {{"title", "Позвонить"}, {"due_at", "2020-01-01"}}},
           {"activities", {{"type", "call"}, {"goal", "Цель"}}}}) {
    json created = Add(entity, body, 1, 12345);
    auto tx = t.db().Begin(TxMode::kRead);
    auto read = GetRecord(*tx, Spec(entity), created["id"], 12345);
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(created, read.value()) << entity;
  }
}

TEST_F(RecordStoreTest, UpdateBumpsVersionAndAuditsOnlyChanges) {
  json deal = Add("deals", {{"title", "Сайт"}, {"amount", 100}});
  auto tx = t.db().Begin(TxMode::kWrite);
  int64_t version = 0;
  auto patch = domain::ValidatePatch(Spec("deals"), {{"version", 1}, {"amount", 100}, {"title", "Портал"}}, &version);
  auto updated = UpdateRecord(*tx, Spec("deals"), deal["id"], version, patch.value(), {2, 5000});
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated.value()["version"], 2);
  EXPECT_EQ(updated.value()["updated_at"], "1970-01-01T00:00:05Z");
  auto trail = AuditTrail(*tx, "deals", deal["id"]);
  ASSERT_EQ(trail.size(), 2u);  // create + title; the unchanged amount is not a change
  EXPECT_EQ(trail[1]["field"], "title");
  EXPECT_EQ(trail[1]["old"], "Сайт");
  EXPECT_EQ(trail[1]["new"], "Портал");
  EXPECT_EQ(trail[1]["user_id"], 2);
}

TEST_F(RecordStoreTest, StaleVersionIsAConflictCarryingTheCurrentRecord) {
  json deal = Add("deals", {{"title", "A"}});
  auto tx = t.db().Begin(TxMode::kWrite);
  int64_t version = 0;
  auto p1 = domain::ValidatePatch(Spec("deals"), {{"version", 1}, {"title", "B"}}, &version);
  ASSERT_TRUE(UpdateRecord(*tx, Spec("deals"), deal["id"], 1, p1.value(), {1, 2000}).ok());
  auto stale = UpdateRecord(*tx, Spec("deals"), deal["id"], 1, p1.value(), {1, 3000});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, Code::kConflict);
  EXPECT_EQ(stale.error().extra["current"]["title"], "B");
  EXPECT_EQ(stale.error().extra["current"]["version"], 2);
}

TEST_F(RecordStoreTest, MissingReferenceIsUnprocessable) {
  auto tx = t.db().Begin(TxMode::kWrite);
  auto r = CreateRecord(*tx, Spec("deals"), Create("deals", {{"title", "x"}, {"company_id", 77}}), {1, 1});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kUnprocessable);
  EXPECT_EQ(r.error().message, "company_id 77: no such company");
}

TEST_F(RecordStoreTest, ScopeLimitsListsToOwnAndWorkingGroupDeals) {
  Add("deals", {{"title", "mine"}, {"responsible_id", nullptr}});
  // Users 5 and 6 do not exist as rows but scopes are plain ids.
  auto tx = t.db().Begin(TxMode::kWrite);
  tx->Exec("INSERT INTO users (created_at, updated_at, email, name, role) VALUES (1,1,'a@a.ru','A','manager'),"
           "(1,1,'b@b.ru','B','manager')");
  tx->Commit();
  json a = Add("deals", {{"title", "A's"}, {"responsible_id", 1}});
  json b = Add("deals", {{"title", "B's, A helps"}, {"responsible_id", 2}, {"members", {1}}});
  json c = Add("deals", {{"title", "B's alone"}, {"responsible_id", 2}});
  auto rtx = t.db().Begin(TxMode::kRead);
  auto page = ListRecords(*rtx, Spec("deals"), {}, std::vector<int64_t>{1}, 0);
  ASSERT_TRUE(page.ok());
  std::vector<std::string> titles;
  for (auto& d : page.value().items) titles.push_back(d["title"]);
  EXPECT_EQ(titles, (std::vector<std::string>{"B's, A helps", "A's"}));
  EXPECT_TRUE(IsVisible(*rtx, Spec("deals"), b["id"], std::vector<int64_t>{1}));
  EXPECT_FALSE(IsVisible(*rtx, Spec("deals"), c["id"], std::vector<int64_t>{1}));
  EXPECT_TRUE(IsVisible(*rtx, Spec("deals"), c["id"], std::nullopt));
  EXPECT_FALSE(IsVisible(*rtx, Spec("deals"), c["id"], std::vector<int64_t>{}));
}

TEST_F(RecordStoreTest, TextSortPagesWithCursor) {
  for (const char* name : {"Борис", "Анна", "Вера", "Анна", "Глеб"}) Add("contacts", {{"name", name}});
  auto tx = t.db().Begin(TxMode::kRead);
  ListQuery q;
  q.sort = Spec("contacts").Find("name");
  q.desc = false;
  q.limit = 2;
  std::vector<std::string> names;
  for (int i = 0; i < 5; ++i) {
    auto page = ListRecords(*tx, Spec("contacts"), q, std::nullopt, 0);
    ASSERT_TRUE(page.ok());
    for (auto& c : page.value().items) names.push_back(c["name"]);
    if (!page.value().next_cursor) break;
    q.cursor = *page.value().next_cursor;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"Анна", "Анна", "Борис", "Вера", "Глеб"}));
}

TEST_F(RecordStoreTest, DerivedTimestampsFollowChanges) {
  json task = Add("tasks", {{"title", "Позвонить"}, {"due_at", "2026-01-01T10:00:00Z"}});
  EXPECT_TRUE(task["done_at"].is_null());
  auto tx = t.db().Begin(TxMode::kWrite);
  int64_t version = 0;
  auto done = domain::ValidatePatch(Spec("tasks"), {{"version", 1}, {"done", true}}, &version);
  auto r = UpdateRecord(*tx, Spec("tasks"), task["id"], version, done.value(), {1, 7000});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value()["done_at"], "1970-01-01T00:00:07Z");
}

}  // namespace
}  // namespace voronka::storage
