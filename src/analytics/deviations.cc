#include "analytics/deviations.h"

#include <algorithm>
#include <set>

#include "process/definition.h"

namespace voronka::analytics {

namespace {

void Collect(const std::vector<process::Action>& actions, const std::string& stage, std::vector<DeadlineRule>& out,
             std::set<std::string>& seen) {
  for (const auto& a : actions) {
    if (a.kind != process::Action::Kind::kTask || a.code.empty()) continue;
    if (!a.due && a.due_field.empty()) continue;
    if (!seen.insert(a.code).second) continue;
    out.push_back({a.code, a.title.ru, a.title.en, stage, a.checkpoint});
  }
}

void Add(RuleCounts& c, RuleOutcome o) {
  switch (o) {
    case RuleOutcome::kOnTime: ++c.on_time, ++c.due; break;
    case RuleOutcome::kLate: ++c.late, ++c.due; break;
    case RuleOutcome::kMissed: ++c.missed, ++c.due; break;
    case RuleOutcome::kOpen: ++c.open; break;
    case RuleOutcome::kNotCounted: break;
  }
}

}  // namespace

std::vector<DeadlineRule> DeadlineRules(const std::string& pipeline) {
  std::vector<DeadlineRule> out;
  const process::Definition* d = process::ShippedDefinition(pipeline);
  if (!d) return out;
  std::set<std::string> seen;
  for (const auto& s : d->stages) {
    Collect(s.on_enter, s.code, out, seen);
    for (const auto& t : s.timers) Collect(t.actions, s.code, out, seen);
  }
  for (const auto& t : d->triggers) Collect(t.actions, "", out, seen);
  for (const auto& r : d->lost_reasons) Collect(r.actions, "", out, seen);
  return out;
}

RuleOutcome OutcomeOf(const RuleTask& t, Period period, TimeMs now) {
  if (t.due_at < period.from || t.due_at >= period.to) return RuleOutcome::kNotCounted;
  if (t.done_at) return *t.done_at <= t.due_at ? RuleOutcome::kOnTime : RuleOutcome::kLate;
  if (t.dropped_at) return *t.dropped_at > t.due_at ? RuleOutcome::kMissed : RuleOutcome::kNotCounted;
  return t.due_at < now ? RuleOutcome::kMissed : RuleOutcome::kOpen;
}

Result<RuleOutcome> ParseRuleOutcome(const std::string& text) {
  if (text == "on_time") return RuleOutcome::kOnTime;
  if (text == "late") return RuleOutcome::kLate;
  if (text == "missed") return RuleOutcome::kMissed;
  if (text == "open") return RuleOutcome::kOpen;
  return Error::Invalid("outcome", "outcome must be on_time, late, missed or open");
}

std::vector<RuleRow> ComputeDeviationReport(const std::vector<DeadlineRule>& rules, const std::vector<RuleTask>& tasks,
                                            Period period, TimeMs now) {
  std::vector<RuleRow> rows;
  std::map<std::string, size_t> index;
  for (const auto& r : rules) {
    index.emplace(r.code, rows.size());
    rows.push_back({r.code, {}, {}});
  }
  std::map<std::string, RuleRow> extra;  // kinds no longer in the definition
  for (const auto& t : tasks) {
    RuleOutcome o = OutcomeOf(t, period, now);
    if (o == RuleOutcome::kNotCounted) continue;
    auto it = index.find(t.rule);
    RuleRow& row = it != index.end() ? rows[it->second] : extra.try_emplace(t.rule, RuleRow{t.rule, {}, {}}).first->second;
    Add(row.total, o);
    Add(row.by_manager[t.assignee], o);
  }
  for (auto& [code, row] : extra) rows.push_back(std::move(row));
  return rows;
}

std::vector<RuleTask> RuleCellTasks(const std::vector<RuleTask>& tasks, const std::string& rule,
                                    std::optional<int64_t> manager, std::optional<RuleOutcome> outcome, Period period,
                                    TimeMs now) {
  std::vector<RuleTask> out;
  for (const auto& t : tasks) {
    if (t.rule != rule || (manager && t.assignee != *manager)) continue;
    RuleOutcome o = OutcomeOf(t, period, now);
    if (o == RuleOutcome::kNotCounted) continue;
    if (outcome ? o != *outcome : o == RuleOutcome::kOpen) continue;
    out.push_back(t);
  }
  std::stable_sort(out.begin(), out.end(), [](const RuleTask& a, const RuleTask& b) {
    return a.due_at != b.due_at ? a.due_at < b.due_at : a.task_id < b.task_id;
  });
  return out;
}

}  // namespace voronka::analytics
