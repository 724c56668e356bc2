#include "analytics/deviations.h"

#include <gtest/gtest.h>

#include <random>

namespace voronka::analytics {
namespace {

constexpr TimeMs kHour = 3600 * 1000, kDay = 24 * kHour;

TEST(DeviationReport, TheShippedPipelinesRulesWithADeadline) {
  auto rules = DeadlineRules("it_studio");
  ASSERT_GE(rules.size(), 8u);
  EXPECT_EQ(rules[0].code, "take_lead");
  EXPECT_EQ(rules[0].stage, "incoming");
  EXPECT_TRUE(rules[0].checkpoint);
  EXPECT_EQ(rules[1].code, "get_contact");
  bool follow_up = false;  // due at a time in a card field
  for (const auto& r : rules) follow_up = follow_up || r.code == "follow_up_postponed";
  EXPECT_TRUE(follow_up);
  EXPECT_TRUE(DeadlineRules("nope").empty());
}

TEST(DeviationReport, CountsOnTimeLateMissedAndOpenPerManager) {
  Period p{10 * kDay, 20 * kDay};
  TimeMs now = 15 * kDay;
  std::vector<RuleTask> tasks = {
      {1, 100, 5, "get_contact", 11 * kDay, 11 * kDay - kHour, std::nullopt},  // on time
      {2, 101, 5, "get_contact", 11 * kDay, 12 * kDay, std::nullopt},          // late
      {3, 102, 6, "get_contact", 12 * kDay, std::nullopt, std::nullopt},       // missed
      {4, 103, 6, "get_contact", 16 * kDay, std::nullopt, std::nullopt},       // open
      {5, 104, 6, "get_contact", 13 * kDay, std::nullopt, 14 * kDay},          // dropped after: missed
      {6, 105, 6, "get_contact", 14 * kDay, std::nullopt, 13 * kDay},          // dropped before: not counted
      {7, 106, 5, "get_contact", 9 * kDay, 9 * kDay, std::nullopt},            // before the period
      {8, 107, 5, "take_lead", 11 * kDay, 11 * kDay, std::nullopt},
      {9, 108, 5, "next_step", 11 * kDay, std::nullopt, std::nullopt},         // not in the definition
  };
  std::vector<DeadlineRule> rules = {{"take_lead", "", "", "incoming", true}, {"get_contact", "", "", "contact", true},
                                     {"prepare_proposal", "", "", "proposal", true}};
  auto rows = ComputeDeviationReport(rules, tasks, p, now);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].rule, "take_lead");
  EXPECT_EQ(rows[0].total.on_time, 1);
  const auto& c = rows[1].total;
  EXPECT_EQ(rows[1].rule, "get_contact");
  EXPECT_EQ(c.due, 4);
  EXPECT_EQ(c.on_time, 1);
  EXPECT_EQ(c.late, 1);
  EXPECT_EQ(c.missed, 2);
  EXPECT_EQ(c.open, 1);
  EXPECT_EQ(rows[1].by_manager.at(5).due, 2);
  EXPECT_EQ(rows[1].by_manager.at(6).missed, 2);
  EXPECT_EQ(rows[2].total.due, 0);  // a rule nobody met yet still has its row
  EXPECT_EQ(rows[3].rule, "next_step");
  EXPECT_EQ(rows[3].total.missed, 1);

  auto missed = RuleCellTasks(tasks, "get_contact", 6, RuleOutcome::kMissed, p, now);
  ASSERT_EQ(missed.size(), 2u);
  EXPECT_EQ(missed[0].task_id, 3);
  EXPECT_EQ(missed[1].task_id, 5);
  EXPECT_EQ(RuleCellTasks(tasks, "get_contact", std::nullopt, std::nullopt, p, now).size(), 4u);
  EXPECT_EQ(ParseRuleOutcome("late").value(), RuleOutcome::kLate);
  EXPECT_EQ(ParseRuleOutcome("soon").error().message, "outcome must be on_time, late, missed or open");
}

// Brute force from the definitions in deviations.h over random task histories.
TEST(DeviationReport, EqualsABruteForceRecountOverRandomTaskStreams) {
  std::mt19937 rng(7);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const std::vector<std::string> codes = {"a", "b", "c", "gone"};
  std::vector<DeadlineRule> rules = {{"a", "", "", "", true}, {"b", "", "", "", false}, {"c", "", "", "", true}};
  for (int round = 0; round < 300; ++round) {
    std::vector<RuleTask> tasks;
    int n = uniform(0, 60);
    for (int i = 0; i < n; ++i) {
      RuleTask t{i + 1, uniform(1, 20), uniform(1, 4), codes[uniform(0, 3)], uniform(0, 30) * kDay + uniform(0, 23) * kHour,
                 std::nullopt, std::nullopt};
      int fate = uniform(0, 2);
      if (fate == 1) t.done_at = t.due_at + uniform(-48, 48) * kHour;
      if (fate == 2 && uniform(0, 1)) t.dropped_at = t.due_at + uniform(-48, 48) * kHour;
      tasks.push_back(t);
    }
    Period p{uniform(0, 20) * kDay, 0};
    p.to = p.from + uniform(1, 15) * kDay;
    TimeMs now = uniform(0, 35) * kDay;
    auto rows = ComputeDeviationReport(rules, tasks, p, now);
    for (const auto& row : rows) {
      for (int64_t manager = 0; manager <= 4; ++manager) {
        RuleCounts want;
        for (const auto& t : tasks) {
          if (t.rule != row.rule || (manager && t.assignee != manager)) continue;
          if (t.due_at < p.from || t.due_at >= p.to) continue;
          bool done = t.done_at.has_value();
          if (done && *t.done_at <= t.due_at) ++want.on_time;
          if (done && *t.done_at > t.due_at) ++want.late;
          bool past = t.dropped_at ? *t.dropped_at > t.due_at : t.due_at < now;
          if (!done && past) ++want.missed;
          if (!done && !t.dropped_at && t.due_at >= now) ++want.open;
        }
        want.due = want.on_time + want.late + want.missed;
        RuleCounts got = manager ? (row.by_manager.count(manager) ? row.by_manager.at(manager) : RuleCounts{}) : row.total;
        std::string where = "round " + std::to_string(round) + " rule " + row.rule + " manager " + std::to_string(manager);
        EXPECT_EQ(got.due, want.due) << where;
        EXPECT_EQ(got.on_time, want.on_time) << where;
        EXPECT_EQ(got.late, want.late) << where;
        EXPECT_EQ(got.missed, want.missed) << where;
        EXPECT_EQ(got.open, want.open) << where;
        auto due = RuleCellTasks(tasks, row.rule, manager ? std::optional<int64_t>(manager) : std::nullopt, std::nullopt, p, now);
        EXPECT_EQ(static_cast<int64_t>(due.size()), want.due) << where;
      }
    }
    // Every rule of the definition has its row, in order; rules only in the tasks follow.
    ASSERT_GE(rows.size(), 3u);
    EXPECT_EQ(rows[0].rule, "a");
    EXPECT_EQ(rows[2].rule, "c");
  }
}

}  // namespace
}  // namespace voronka::analytics
