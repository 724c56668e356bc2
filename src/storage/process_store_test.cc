// Durable timers and effects on stored deals, with a fixed clock.

#include "storage/process_store.h"

#include <gtest/gtest.h>

#include "storage/calendars_store.h"
#include "storage/test_db.h"
#include "process/test_work_time.h"

namespace voronka::storage {
namespace {

using nlohmann::json;

using process::PlainTime;

constexpr TimeMs kMin = 60'000;
const TimeMs kT0 = *ParseIso("2026-11-24T10:00:00Z");

class ProcessStoreTest : public ::testing::Test {
 protected:
  TestDb t;
  PlainTime wt;
  int64_t deal_id = 0;

  void SetUp() override {
    auto tx = t.db().Begin(TxMode::kWrite);
    tx->Exec("INSERT INTO users (created_at, updated_at, email, name, role) VALUES (1,1,'head@x.ru','Head','head'),"
             "(1,1,'m@x.ru','Manager','manager')");
    tx->Exec("INSERT INTO teams (created_at, updated_at, name, head_id) VALUES (1, 1, 'Sales', 1)");
    tx->Exec("UPDATE users SET team_id = 1");
    auto values = domain::ValidateCreate(*domain::FindEntity("deals"),
                                         {{"title", "Сайт"}, {"channel", "site_form"}, {"responsible_id", 2}});
    deal_id = CreateRecord(*tx, *domain::FindEntity("deals"), values.value(), {2, kT0}).value()["id"].get<int64_t>();
    process::Event created{process::Event::Kind::kCreated, "", "", {{"channel", "site_form"}}};
    ASSERT_TRUE(RunProcessEvent(*tx, deal_id, created, std::nullopt, {2, kT0}, wt).ok());
    tx->Commit();
  }
  int64_t Count(const std::string& sql) {
    auto tx = t.db().Begin(TxMode::kRead);
    return tx->Query(sql)[0].Int(0);
  }
};

TEST_F(ProcessStoreTest, MissedDeadlineFiresOnceRaisingADeviationForTheHead) {
  EXPECT_EQ(Count("SELECT COUNT(*) FROM process_timers"), 2);  // take_lead (15 min), get_contact (30 min)
  EXPECT_EQ(FireDueTimers(t.db(), kT0 + 14 * kMin, wt), 0);
  EXPECT_EQ(FireDueTimers(t.db(), kT0 + 16 * kMin, wt), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM deviations WHERE code = 'overdue:take_lead' AND user_id = 2"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE user_id = 1 AND kind = 'deviation'"), 1);
  EXPECT_EQ(FireDueTimers(t.db(), kT0 + 16 * kMin, wt), 0);  // never twice
  EXPECT_EQ(Count("SELECT COUNT(*) FROM deviations"), 1);
}

TEST_F(ProcessStoreTest, TimersSurviveARestartAndAClockJumpFiresEverythingDueInOrder) {
  t.Reopen();
  EXPECT_EQ(FireDueTimers(t.db(), kT0 + 10 * 86'400'000LL, wt), 2);
  auto tx = t.db().Begin(TxMode::kRead);
  auto rows = tx->Query("SELECT code FROM deviations ORDER BY id");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].Text(0), "overdue:take_lead");
  EXPECT_EQ(rows[1].Text(0), "overdue:get_contact");
}

TEST_F(ProcessStoreTest, TasksAreAssignedAndTheStageIsStored) {
  auto tx = t.db().Begin(TxMode::kRead);
  auto deal = GetRecord(*tx, *domain::FindEntity("deals"), deal_id, kT0).value();
  EXPECT_EQ(deal["stage"], "contact");
  auto tasks = tx->Query("SELECT kind, assignee_id, due_at FROM tasks WHERE deal_id = ? ORDER BY due_at", {deal_id});
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].Text(0), "take_lead");
  EXPECT_EQ(tasks[0].Int(1), 2);
  EXPECT_EQ(tasks[1].Int(2), kT0 + 30 * kMin);
}

TEST_F(ProcessStoreTest, SegmentCQueuesTheRejectionEmailOnce) {
  t.db().Write([&](Tx& tx) {
    process::Event move{process::Event::Kind::kScored, "", "", {{"score", -12}, {"segment", "C"}, {"disqualified", false}}};
    ASSERT_TRUE(RunProcessEvent(tx, deal_id, move, std::nullopt, {2, kT0}, wt).ok());
    tx.Commit();
  });
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox WHERE kind = 'email' AND payload LIKE '%rejection_c%'"), 1);
  auto tx = t.db().Begin(TxMode::kRead);
  auto deal = GetRecord(*tx, *domain::FindEntity("deals"), deal_id, kT0).value();
  EXPECT_EQ(deal["status"], "lost");
  EXPECT_EQ(deal["lost_reason"], "segment_c");
  EXPECT_EQ(deal["segment"], "C");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM process_timers"), 0);  // a closed card has no pending deadlines
}

TEST_F(ProcessStoreTest, MovingOnCompletesTheStagesProcessTasks) {
  t.db().Write([&](Tx& tx) {
    for (const char* item : {"phone", "time_zone", "call_time"}) {
      process::Event check{process::Event::Kind::kCheck, "", item, json::object()};
      ASSERT_TRUE(RunProcessEvent(tx, deal_id, check, std::nullopt, {2, kT0 + kMin}, wt).ok());
    }
    process::Event move{process::Event::Kind::kMove, "screening", "", json::object()};
    ASSERT_TRUE(RunProcessEvent(tx, deal_id, move, std::nullopt, {2, kT0 + 2 * kMin}, wt).ok());
    tx.Commit();
  });
  // take_lead and get_contact were done by moving on; the screening call is the open task now.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks WHERE kind IN ('take_lead', 'get_contact') AND done = 1 AND done_at = " +
                  std::to_string(kT0 + 2 * kMin)),
            2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks WHERE done = 0 AND archived = 0"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE entity = 'tasks' AND field = 'done'"), 2);
  EXPECT_EQ(FireDueTimers(t.db(), kT0 + 10 * 86'400'000LL, wt), 0);  // their deadlines went with them
  EXPECT_EQ(Count("SELECT COUNT(*) FROM deviations"), 0);
}

TEST_F(ProcessStoreTest, ClosingTheCardDropsItsOpenTasks) {
  t.db().Write([&](Tx& tx) {
    process::Event scored{process::Event::Kind::kScored, "", "", {{"score", -12}, {"segment", "C"}, {"disqualified", false}}};
    ASSERT_TRUE(RunProcessEvent(tx, deal_id, scored, std::nullopt, {2, kT0}, wt).ok());
    tx.Commit();
  });
  EXPECT_EQ(Count("SELECT COUNT(*) FROM tasks WHERE deal_id = " + std::to_string(deal_id) + " AND archived = 0"), 0);
}

TEST_F(ProcessStoreTest, DeadlinesFollowTheCalendarOfTheResponsiblesDepartment) {
  // Vladivostok is UTC+10: 10:00 UTC on Tuesday is 20:00 there, after hours.
  t.db().Write([&](Tx& tx) {
    ASSERT_TRUE(SetTeamCalendar(tx, 1, std::string("time_zone: Asia/Vladivostok\nworking_hours: {start: \"09:00\", end: \"18:00\"}\n"),
                                {1, kT0})
                    .ok());
    tx.Commit();
  });
  int64_t phone_deal = 0;
  t.db().Write([&](Tx& tx) {
    auto values = domain::ValidateCreate(*domain::FindEntity("deals"),
                                         {{"title", "Звонок"}, {"channel", "phone"}, {"responsible_id", 2}});
    phone_deal = CreateRecord(tx, *domain::FindEntity("deals"), values.value(), {2, kT0}).value()["id"].get<int64_t>();
    process::Event created{process::Event::Kind::kCreated, "", "", {{"channel", "phone"}}};
    ASSERT_TRUE(RunProcessEvent(tx, phone_deal, created, std::nullopt, {2, kT0}, wt).ok());
    tx.Commit();
  });
  // "1 business days" counts from Wednesday 09:00 local: Thursday 09:00 local = Wednesday 23:00 UTC.
  auto tx = t.db().Begin(TxMode::kRead);
  auto due = tx->Query("SELECT due_at FROM tasks WHERE deal_id = ? AND kind = 'screening_call'", {phone_deal});
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(FormatIso(due[0].Int(0)), "2026-11-25T23:00:00Z");
}

TEST_F(ProcessStoreTest, ADepartmentCalendarWithMistakesIsRefusedWithItsLines) {
  t.db().Write([&](Tx& tx) {
    auto st = SetTeamCalendar(tx, 1, std::string("time_zone: Mars/Olympus\nworking_hours: {start: \"19:00\", end: \"18:00\"}\n"),
                              {1, kT0});
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Code::kInvalid);
    EXPECT_NE(st.error().message.find("calendar:1:"), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().message.find("calendar:2:"), std::string::npos) << st.error().message;
    EXPECT_EQ(TeamCalendar(tx, 1).value(), std::nullopt);
  });
}

TEST_F(ProcessStoreTest, ManyDueTimersFireInPagesEachOnceInOrder) {
  t.db().Write([&](Tx& tx) {
    for (int i = 0; i < 5; ++i) {
      auto values = domain::ValidateCreate(*domain::FindEntity("deals"),
                                           {{"title", "Лид " + std::to_string(i)}, {"channel", "email"}, {"responsible_id", 2}});
      int64_t id = CreateRecord(tx, *domain::FindEntity("deals"), values.value(), {2, kT0 + i * kMin}).value()["id"].get<int64_t>();
      process::Event created{process::Event::Kind::kCreated, "", "", {{"channel", "email"}}};
      ASSERT_TRUE(RunProcessEvent(tx, id, created, std::nullopt, {2, kT0 + i * kMin}, wt).ok());
    }
    tx.Commit();
  });
  // Six cards × two deadlines, written a page of three at a time.
  EXPECT_EQ(FireDueTimers(t.db(), kT0 + 86'400'000LL, wt, 3), 12);
  EXPECT_EQ(FireDueTimers(t.db(), kT0 + 86'400'000LL, wt, 3), 0);
  auto tx = t.db().Begin(TxMode::kRead);
  auto rows = tx->Query("SELECT created_at, deal_id, code FROM deviations ORDER BY id");
  ASSERT_EQ(rows.size(), 12u);
  // In the order they were due: every take_lead (15 min) before the first get_contact (30 min).
  EXPECT_EQ(rows[0].Int(1), deal_id);
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(rows[i].Text(2), "overdue:take_lead") << i;
  for (size_t i = 6; i < 12; ++i) EXPECT_EQ(rows[i].Text(2), "overdue:get_contact") << i;
}

TEST_F(ProcessStoreTest, AProcessTaskIsStoredAndAuditedExactlyAsARecordCreatedByHand) {
  auto tx = t.db().Begin(TxMode::kRead);
  const auto& tasks = *domain::FindEntity("tasks");
  for (const auto& r : tx->Query("SELECT id FROM tasks WHERE deal_id = ?", {deal_id})) {
    auto record = GetRecord(*tx, tasks, r.Int(0), kT0).value();
    auto trail = AuditTrail(*tx, "tasks", r.Int(0));
    ASSERT_EQ(trail.size(), 1u);
    EXPECT_EQ(trail[0]["action"], "create");
    EXPECT_EQ(trail[0]["new"], record) << trail[0].dump();
    // Found by its title, as a task created through the API is.
    auto found = tx->Query("SELECT COUNT(*) FROM tasks WHERE id = ? AND search_text = ?",
                           {r.Int(0), RecordSearchText(tasks, {{"title", record["title"]}})});
    EXPECT_EQ(found[0].Int(0), 1);
  }
}

TEST(ProcessColumns, NoneOfTheColumnsAProcessEventWritesIsSearched) {
  // The lean deal update in ApplyDecision keeps search_text as it is.
  for (const char* c : {"stage", "status", "score", "segment", "lost_reason"})
    EXPECT_FALSE(domain::FindEntity("deals")->Find(c)->search) << c;
}

TEST_F(ProcessStoreTest, AnAbsentHeadsDeviationNoticesGoToTheStandInUntilTheAbsenceEnds) {
  t.db().Write([&](Tx& tx) {
    tx.Exec("INSERT INTO users (created_at, updated_at, email, name, role) VALUES (1, 1, 'deputy@x.ru', 'Deputy', 'manager')");
    // The head is on vacation for the first hour; the deputy stands in.
    tx.Exec("INSERT INTO absences (user_id, kind, starts_at, ends_at, stand_in_id, state, created_at) "
            "VALUES (1, 'vacation', ?, ?, 3, 'active', ?)",
            {kT0 - kMin, kT0 + 60 * kMin, kT0});
    tx.Commit();
  });
  auto to = [&](const std::string& code) {
    auto tx = t.db().Begin(TxMode::kRead);
    std::vector<int64_t> users;
    for (const auto& r : tx->Query("SELECT user_id FROM notifications WHERE kind = 'deviation' AND message_en LIKE ? ORDER BY id",
                                   {"%" + code + "%"}))
      users.push_back(r.Int(0));
    return users;
  };
  // take_lead is missed at 15 minutes, during the absence: the deputy is told, not the head.
  EXPECT_EQ(FireDueTimers(t.db(), kT0 + 16 * kMin, wt), 1);
  EXPECT_EQ(to("Take the lead"), (std::vector<int64_t>{3}));
  // get_contact is missed at 30 minutes, but fired only after the head is back.
  EXPECT_EQ(FireDueTimers(t.db(), kT0 + 61 * kMin, wt), 1);
  auto back = to("Get the phone");
  ASSERT_FALSE(back.empty());
  for (int64_t u : back) EXPECT_EQ(u, 1);
}

}  // namespace
}  // namespace voronka::storage
