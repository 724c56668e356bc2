// Rollout preview: the same recorded cards through the running and a changed pipeline.

#include "process/replay.h"
#include "process/test_work_time.h"

#include <gtest/gtest.h>

namespace voronka::process {
namespace {

using nlohmann::json;

const TimeMs kT0 = *ParseIso("2026-11-24T10:00:00Z");
constexpr TimeMs kMin = 60'000;

// Site-form leads taken into work `taken_after` minutes after they came in.
std::vector<RecordedCard> Leads(const std::vector<int>& taken_after) {
  std::vector<RecordedCard> cards;
  for (size_t i = 0; i < taken_after.size(); ++i) {
    TimeMs at = kT0 + TimeMs(i) * 60 * kMin;
    cards.push_back({int64_t(i + 1),
                     {{at, {Event::Kind::kCreated, "", "", {{"channel", "site_form"}}}},
                      {at + taken_after[i] * kMin, {Event::Kind::kTaskDone, "", "take_lead", json::object()}}}});
  }
  return cards;
}

Definition WithTakeLeadDue(int minutes) {
  Definition d = *ShippedDefinition("it_studio");
  for (auto& stage : d.stages)
    for (auto& a : stage.on_enter)
      if (a.code == "take_lead") a.due = Duration{Duration::Unit::kMinutes, minutes};
  return d;
}

TEST(Replay, ALongerDeadlineShowsFewerMissedDeadlinesOnTheSameHistory) {
  PlainTime wt;
  auto cards = Leads({5, 20, 25, 40});  // taken after 5, 20, 25 and 40 minutes
  TimeMs until = kT0 + 10 * 60 * kMin;
  auto running = Replay(*ShippedDefinition("it_studio"), cards, until, wt);  // 15 minutes
  auto changed = Replay(WithTakeLeadDue(30), cards, until, wt);

  EXPECT_EQ(running.cards, 4);
  EXPECT_EQ(running.counts["task take_lead"], 4);
  EXPECT_EQ(running.counts["deviation overdue:take_lead"], 3);  // 20, 25 and 40 minutes
  EXPECT_EQ(running.counts["task take_lead done on time"], 1);
  EXPECT_EQ(running.counts["task take_lead done late"], 3);
  EXPECT_EQ(changed.counts["deviation overdue:take_lead"], 1);  // only the 40-minute one
  EXPECT_EQ(changed.counts["task take_lead done on time"], 3);
  EXPECT_EQ(changed.counts["task take_lead done late"], 1);

  auto diff = CompareReplays(running.counts, changed.counts);
  auto find = [&](const std::string& rule) {
    for (const auto& d : diff)
      if (d.rule == rule) return d;
    return RuleDiff{};
  };
  EXPECT_EQ(find("deviation overdue:take_lead").before, 3);
  EXPECT_EQ(find("deviation overdue:take_lead").after, 1);
  EXPECT_EQ(find("task take_lead").rule, "");  // created as often under both: not a difference
}

TEST(Replay, TheSameDefinitionReplaysToNoDifference) {
  PlainTime wt;
  auto cards = Leads({5, 20});
  const auto& def = *ShippedDefinition("it_studio");
  TimeMs until = kT0 + 3 * 86'400'000LL;
  EXPECT_TRUE(CompareReplays(Replay(def, cards, until, wt).counts, Replay(def, cards, until, wt).counts).empty());
}

TEST(Replay, AMoveTheChangedPipelineDoesNotAllowIsReportedAsRefused) {
  PlainTime wt;
  std::vector<RecordedCard> cards = {{1,
                                      {{kT0, {Event::Kind::kCreated, "", "", {{"channel", "phone"}}}},
                                       {kT0 + kMin, {Event::Kind::kMove, "no_such_stage", "", json::object()}}}}};
  auto r = Replay(*ShippedDefinition("it_studio"), cards, kT0 + 2 * kMin, wt);
  EXPECT_EQ(r.counts["refused move no_such_stage"], 1);
  EXPECT_EQ(r.counts["stage screening"], 1);  // a phone lead goes straight to screening
}

TEST(Replay, LogEventNamesBecomeEventsAndTimersAreLeftToTheDefinition) {
  auto move = EventFromLog("move closing", json::object());
  ASSERT_TRUE(move);
  EXPECT_EQ(move->kind, Event::Kind::kMove);
  EXPECT_EQ(move->to, "closing");
  auto scored = EventFromLog("scored", {{"score", 11}, {"segment", "A"}});
  ASSERT_TRUE(scored);
  EXPECT_EQ(scored->fields["segment"], "A");
  EXPECT_EQ(EventFromLog("lost competitor", json::object())->code, "competitor");
  EXPECT_FALSE(EventFromLog("timer task:take_lead", json::object()));
  EXPECT_FALSE(EventFromLog("outbox", json::object()));
  EXPECT_FALSE(EventFromLog("move", json::object()));
}

}  // namespace
}  // namespace voronka::process
