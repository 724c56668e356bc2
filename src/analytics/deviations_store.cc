#include "analytics/deviations_store.h"

#include <algorithm>
#include <map>

namespace voronka::analytics {

using nlohmann::json;

namespace {

json Counts(const RuleCounts& c) {
  return {{"due", c.due}, {"on_time", c.on_time}, {"late", c.late}, {"missed", c.missed}, {"open", c.open}};
}

const char* OutcomeName(RuleOutcome o) {
  switch (o) {
    case RuleOutcome::kOnTime: return "on_time";
    case RuleOutcome::kLate: return "late";
    case RuleOutcome::kMissed: return "missed";
    case RuleOutcome::kOpen: return "open";
    case RuleOutcome::kNotCounted: break;
  }
  return "";
}

json PeriodJson(const DeviationRequest& r) {
  return {{"from", FormatIso(r.period.from)}, {"to", FormatIso(r.period.to)}, {"label", r.period_label}};
}

std::map<int64_t, std::string> Names(storage::Tx& tx) {
  std::map<int64_t, std::string> out;
  for (const auto& r : tx.Query("SELECT id, name FROM users")) out[r.Int(0)] = r.Text(1);
  return out;
}

}  // namespace

Result<DeviationRequest> ParseDeviationRequest(const ParamReader& param, TimeMs now) {
  for (const char* unused : {"mode", "group", "product", "region", "channel", "segment"})
    if (param(unused)) return Error::Invalid(unused, std::string("the deviation report has no '") + unused + "' parameter");
  auto funnel = ParseFunnelRequest(param, now);
  if (!funnel.ok()) return funnel.error();
  DeviationRequest r{funnel.value().pipeline, funnel.value().query.period, funnel.value().period_label, std::nullopt};
  if (funnel.value().filters.count("manager")) r.manager = std::stoll(funnel.value().filters.at("manager"));
  return r;
}

std::vector<RuleTask> LoadRuleTasks(storage::Tx& tx, const DeviationRequest& request,
                                    const std::optional<std::vector<int64_t>>& scope) {
  auto in_scope = [&](int64_t u) { return !scope || std::find(scope->begin(), scope->end(), u) != scope->end(); };
  std::vector<RuleTask> out;
  for (const auto& r : tx.Query("SELECT t.id, t.deal_id, t.assignee_id, t.kind, t.due_at, t.done, t.done_at, t.archived, "
                                "t.updated_at FROM tasks t JOIN deals d ON d.id = t.deal_id WHERE d.pipeline = ? AND "
                                "t.kind IS NOT NULL AND t.assignee_id IS NOT NULL AND t.due_at >= ? AND t.due_at < ?",
                                {request.pipeline, request.period.from, request.period.to})) {
    int64_t assignee = r.Int(2);
    if (!in_scope(assignee) || (request.manager && *request.manager != assignee)) continue;
    RuleTask t{r.Int(0), r.Int(1), assignee, r.Text(3), r.Int(4), std::nullopt, std::nullopt};
    if (r.Int(5) != 0) t.done_at = r.IsNull(6) ? r.Int(8) : r.Int(6);
    else if (r.Int(7) != 0) t.dropped_at = r.Int(8);
    out.push_back(std::move(t));
  }
  return out;
}

json DeviationReport(storage::Tx& tx, const DeviationRequest& request, const std::optional<std::vector<int64_t>>& scope,
                     TimeMs now) {
  auto rules = DeadlineRules(request.pipeline);
  auto tasks = LoadRuleTasks(tx, request, scope);
  auto rows = ComputeDeviationReport(rules, tasks, request.period, now);
  auto names = Names(tx);
  auto in_scope = [&](std::optional<int64_t> u) {
    if (!u) return !scope;
    if (request.manager && *request.manager != *u) return false;
    return !scope || std::find(scope->begin(), scope->end(), *u) != scope->end();
  };
  std::map<std::string, int64_t> raised;
  for (const auto& r : tx.Query("SELECT v.code, v.user_id FROM deviations v JOIN deals d ON d.id = v.deal_id "
                                "WHERE d.pipeline = ? AND v.created_at >= ? AND v.created_at < ?",
                                {request.pipeline, request.period.from, request.period.to}))
    if (in_scope(r.MaybeInt(1))) {
      std::string code = r.Text(0);
      ++raised[code.rfind("overdue:", 0) == 0 ? code.substr(8) : code];
    }
  std::map<int64_t, bool> seen;
  json out_rules = json::array();
  for (const auto& row : rows) {
    auto def = std::find_if(rules.begin(), rules.end(), [&](const DeadlineRule& r) { return r.code == row.rule; });
    json managers = json::object();
    for (const auto& [user, counts] : row.by_manager) {
      managers[std::to_string(user)] = Counts(counts);
      seen[user] = true;
    }
    out_rules.push_back({{"code", row.rule},
                         {"title", {{"ru", def != rules.end() ? def->title_ru : row.rule},
                                    {"en", def != rules.end() ? def->title_en : row.rule}}},
                         {"stage", def != rules.end() ? def->stage : ""},
                         {"checkpoint", def != rules.end() && def->checkpoint},
                         {"in_definition", def != rules.end()},
                         {"deviations_raised", raised.count(row.rule) ? raised[row.rule] : 0},
                         {"total", Counts(row.total)},
                         {"managers", managers}});
  }
  json managers = json::array();
  for (const auto& [user, _] : seen)
    managers.push_back({{"user_id", user}, {"name", names.count(user) ? names[user] : "#" + std::to_string(user)}});
  std::sort(managers.begin(), managers.end(), [](const json& a, const json& b) { return a["name"] < b["name"]; });
  return {{"pipeline", request.pipeline}, {"period", PeriodJson(request)}, {"managers", managers}, {"rules", out_rules}};
}

json DeviationCards(storage::Tx& tx, const DeviationRequest& request, const std::optional<std::vector<int64_t>>& scope,
                    TimeMs now, const std::string& rule, std::optional<RuleOutcome> outcome) {
  auto tasks = RuleCellTasks(LoadRuleTasks(tx, request, scope), rule, request.manager, outcome, request.period, now);
  auto names = Names(tx);
  json items = json::array();
  for (size_t i = 0; i < tasks.size() && i < 500; ++i) {
    const auto& t = tasks[i];
    auto rows = tx.Query("SELECT k.title, d.title FROM tasks k JOIN deals d ON d.id = k.deal_id WHERE k.id = ?", {t.task_id});
    if (rows.empty()) continue;
    items.push_back({{"task_id", t.task_id}, {"title", rows[0].Text(0)}, {"deal_id", t.deal_id},
                     {"deal_title", rows[0].Text(1)}, {"assignee_id", t.assignee},
                     {"assignee_name", names.count(t.assignee) ? json(names[t.assignee]) : json(nullptr)},
                     {"due_at", FormatIso(t.due_at)}, {"done_at", t.done_at ? json(FormatIso(*t.done_at)) : json(nullptr)},
                     {"outcome", OutcomeName(OutcomeOf(t, request.period, now))}});
  }
  return {{"rule", rule}, {"outcome", outcome ? json(OutcomeName(*outcome)) : json(nullptr)},
          {"period", PeriodJson(request)}, {"total", tasks.size()}, {"items", items}};
}

}  // namespace voronka::analytics
