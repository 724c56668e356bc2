#pragma once
// The deviation report (issue 7, item 4): regulation against what happened. For every rule of
// the process with a deadline (a task the process sets with a due time; a checkpoint raises a
// deviation when missed) — how many times it fell due in the period, met on time, met late,
// missed, still open — per rule and per manager (the task's assignee).
//
// Pure over the tasks the process created (storage gives them, deviations_store.h).
// A task counts in the period when its due time falls in it:
//   on time  done at or before the due time
//   late     done after it
//   missed   not done and the due time has passed (by `now`, or by the time the card closed and
//            the task was dropped)
//   open     not done, not yet due
// A task dropped (closed card) before it fell due does not count: the rule no longer applied.
// due = on time + late + missed (what has fallen due, or was done).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analytics/history.h"
#include "common/result.h"

namespace voronka::analytics {

struct DeadlineRule {
  std::string code, title_ru, title_en, stage;  // stage: where the rule is (empty for triggers)
  bool checkpoint = false;
};

// The pipeline's rules with a deadline, in the definition's order (each code once).
std::vector<DeadlineRule> DeadlineRules(const std::string& pipeline);

struct RuleTask {
  int64_t task_id = 0, deal_id = 0, assignee = 0;
  std::string rule;  // the task's kind: the rule's code
  TimeMs due_at = 0;
  std::optional<TimeMs> done_at;
  std::optional<TimeMs> dropped_at;  // archived without being done
};

enum class RuleOutcome { kOnTime, kLate, kMissed, kOpen, kNotCounted };
RuleOutcome OutcomeOf(const RuleTask& t, Period period, TimeMs now);
// "on_time", "late", "missed", "open"; kInvalid otherwise.
Result<RuleOutcome> ParseRuleOutcome(const std::string& text);

struct RuleCounts {
  int64_t due = 0, on_time = 0, late = 0, missed = 0, open = 0;
};

struct RuleRow {
  std::string rule;
  RuleCounts total;
  std::map<int64_t, RuleCounts> by_manager;
};

// One row per rule in `rules` order, then rules found only in the tasks (by code).
std::vector<RuleRow> ComputeDeviationReport(const std::vector<DeadlineRule>& rules, const std::vector<RuleTask>& tasks,
                                            Period period, TimeMs now);

// The tasks behind a cell, by due time: `manager` nullopt for all, `outcome` nullopt for all that
// counted as due (on time, late, missed).
std::vector<RuleTask> RuleCellTasks(const std::vector<RuleTask>& tasks, const std::string& rule,
                                    std::optional<int64_t> manager, std::optional<RuleOutcome> outcome, Period period,
                                    TimeMs now);

}  // namespace voronka::analytics
