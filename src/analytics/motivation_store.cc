#include "analytics/motivation_store.h"

#include <algorithm>
#include <map>

#include "analytics/history.h"
#include "analytics/plan_store.h"

namespace voronka::analytics {

using nlohmann::json;

json SchemeToJson(const Scheme& s) {
  json actions = json::array(), levels = json::array(), tiers = json::array();
  for (const auto& a : s.actions)
    actions.push_back({{"code", a.code}, {"name", {{"ru", a.name_ru}, {"en", a.name_en}}}, {"points", a.points},
                       {"activity", a.activity.empty() ? json(nullptr) : json(a.activity)},
                       {"stage_reached", a.stage_reached.empty() ? json(nullptr) : json(a.stage_reached)},
                       {"required", a.required}, {"min_amount", a.min_amount}});
  for (const auto& l : s.levels) levels.push_back({{"from_points", l.from_points}, {"base", l.base}});
  for (const auto& t : s.tiers) tiers.push_back({{"from_plan_percent", t.from_plan_percent}, {"percent", t.percent}});
  return {{"code", s.code}, {"name", {{"ru", s.name_ru}, {"en", s.name_en}}}, {"points_plan", s.points_plan},
          {"actions", actions}, {"salary_levels", levels}, {"sales_plan", s.sales_plan}, {"sales_percent", tiers}};
}

json MotivationSheet(storage::Tx& tx, const std::string& month, const std::optional<std::vector<int64_t>>& scope) {
  const Scheme& scheme = DefaultScheme();
  Period period = MonthPeriod(month).value();
  auto in_scope = [&](int64_t u) { return !scope || std::find(scope->begin(), scope->end(), u) != scope->end(); };

  std::vector<ActionFact> facts;
  std::string won = MainPath("it_studio").back();
  for (const auto& r : LoadReaches(tx, "it_studio", period))
    if (r.step != "leads") facts.push_back({r.user_id, "", r.step, false, false, false, r.amount, r.step == won});
  for (const auto& a : LoadActivities(tx, period))
    facts.push_back({a.user_id, a.type, "", a.goal, a.next_step, a.outcome, 0, false});

  std::map<int64_t, int64_t> plans;
  auto saved = LoadPlan(tx, month);
  if (saved)
    for (const auto& m : (*saved)["plan"]["managers"]) plans[m["user_id"]] = m["revenue"];

  auto users = LoadUsers(tx);
  std::map<int64_t, bool> acted;
  for (const auto& f : facts) acted[f.user_id] = true;
  std::vector<Person> people;
  for (const auto& r : tx.Query("SELECT id, archived FROM users WHERE role = 'manager' ORDER BY id")) {
    int64_t id = r.Int(0);
    if (!in_scope(id) || (r.Int(1) != 0 && !acted.count(id))) continue;
    people.push_back({id, users[id].name, plans.count(id) ? plans[id] : 0});
  }
  auto rows = ComputePayroll(scheme, people, facts);
  std::sort(rows.begin(), rows.end(), [](const PayrollRow& a, const PayrollRow& b) { return a.rank < b.rank; });
  json out = json::array();
  for (const auto& r : rows) {
    json actions = json::object();
    for (const auto& a : r.actions)
      actions[a.code] = {{"counted", a.counted}, {"rejected", a.rejected}, {"points", a.points}};
    out.push_back({{"rank", r.rank}, {"user_id", r.user_id}, {"name", r.name}, {"actions", actions},
                   {"points", r.points}, {"points_plan_percent", r.points_plan_percent}, {"base", r.base},
                   {"level_from_points", r.level_from_points}, {"sales", r.sales}, {"sales_plan", r.sales_plan},
                   {"sales_plan_percent", r.sales_plan_percent}, {"percent", r.percent}, {"bonus", r.bonus},
                   {"total", r.total}});
  }
  return {{"month", month}, {"scheme", SchemeToJson(scheme)}, {"rows", out}, {"plan_saved", saved.has_value()}};
}

}  // namespace voronka::analytics
