// Durable timers and effects on stored deals, with a fixed clock.

#include "storage/process_store.h"

#include <gtest/gtest.h>

#include "storage/test_db.h"

namespace voronka::storage {
namespace {

using nlohmann::json;

class PlainTime : public process::WorkTime {
 public:
  TimeMs AddWorkingMinutes(TimeMs from, int64_t m) const override { return from + m * 60'000; }
  TimeMs AddBusinessDays(TimeMs from, int d) const override { return from + int64_t(d) * 86'400'000; }
};

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

}  // namespace
}  // namespace voronka::storage
