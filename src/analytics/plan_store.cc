#include "analytics/plan_store.h"

#include <algorithm>
#include <map>
#include <set>

#include "process/definition.h"

namespace voronka::analytics {

using nlohmann::json;

namespace {

int64_t RequireMoney(const json& body, const char* field, bool required) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) {
    if (required) throw Error::Invalid(field, std::string(field) + " is required (kopecks)");
    return 0;
  }
  if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > 100'000'000'000'000LL)
    throw Error::Invalid(field, std::string(field) + " must be a whole number of kopecks from 0");
  return it->get<int64_t>();
}

std::string StageName(const std::string& pipeline, const std::string& code, bool ru) {
  if (code == "leads") return ru ? "Заявки" : "Leads";
  const process::Definition* d = process::ShippedDefinition(pipeline);
  const process::Stage* s = d ? d->FindStage(code) : nullptr;
  if (s && s->kind == "won") return ru ? "Продажи" : "Sales";
  if (!s) return code;
  return ru ? s->name.ru : s->name.en;
}

int Permille(int64_t a, int64_t b) { return b == 0 ? 0 : static_cast<int>((a * 2000 + b) / (2 * b)); }

}  // namespace

std::vector<std::string> DefaultPlanSteps(const std::string& pipeline) {
  std::vector<std::string> path = MainPath(pipeline), out = {"leads"};
  for (const char* s : {"scoring", "deep_interview", "proposal", "presentation"})
    if (std::find(path.begin(), path.end(), s) != path.end()) out.push_back(s);
  if (!path.empty()) out.push_back(path.back());
  return out;
}

Result<json> NormalisePlanRequest(storage::Tx& tx, const json& body) try {
  if (!body.is_object()) return Error::Invalid("", "request body must be a JSON object");
  static const std::set<std::string> kKnown = {"month", "revenue_plan", "break_even", "base_month", "average_sale",
                                               "pipeline", "steps", "managers"};
  for (const auto& [k, v] : body.items())
    if (!kKnown.count(k)) return Error::Invalid(k, "unknown field '" + k + "'");
  json out = json::object();
  if (!body.contains("month") || !body["month"].is_string()) return Error::Invalid("month", "month is required, like 2026-11");
  std::string month = body["month"];
  if (!MonthPeriod(month).ok()) return MonthPeriod(month).error();
  out["month"] = month;
  out["revenue_plan"] = RequireMoney(body, "revenue_plan", true);
  if (out["revenue_plan"] == 0) return Error::Invalid("revenue_plan", "the revenue plan must be more than 0 ₽");
  out["break_even"] = RequireMoney(body, "break_even", false);
  if (body.contains("average_sale") && !body["average_sale"].is_null()) {
    out["average_sale"] = RequireMoney(body, "average_sale", true);
    if (out["average_sale"] == 0) return Error::Invalid("average_sale", "the average sale must be more than 0 ₽");
  }
  std::string base = PreviousMonth(month);
  if (body.contains("base_month") && !body["base_month"].is_null()) {
    if (!body["base_month"].is_string() || !MonthPeriod(body["base_month"]).ok())
      return Error::Invalid("base_month", "base_month must look like 2026-10");
    base = body["base_month"];
  }
  out["base_month"] = base;
  std::string pipeline = body.value("pipeline", std::string("it_studio"));
  if (!process::ShippedDefinition(pipeline)) return Error::Invalid("pipeline", "unknown pipeline '" + pipeline + "'");
  out["pipeline"] = pipeline;
  std::vector<std::string> path = MainPath(pipeline);
  if (body.contains("steps")) {
    if (!body["steps"].is_array() || body["steps"].size() < 2)
      return Error::Invalid("steps", "steps must be a list of at least two stage codes, the last the won stage");
    int last = -1;
    for (const auto& s : body["steps"]) {
      if (!s.is_string()) return Error::Invalid("steps", "steps must be stage codes");
      std::string code = s;
      int at = code == "leads" ? 0 : static_cast<int>(std::find(path.begin(), path.end(), code) - path.begin());
      if (code != "leads" && (at == static_cast<int>(path.size()) || at == 0))
        return Error::Invalid("steps", "'" + code + "' is not a stage of the " + pipeline + " funnel");
      if (at <= last) return Error::Invalid("steps", "steps must follow the funnel's order without repeats");
      last = at;
    }
    if (body["steps"].back() != path.back())
      return Error::Invalid("steps", "the last step must be the won stage '" + path.back() + "'");
    out["steps"] = body["steps"];
  } else {
    out["steps"] = DefaultPlanSteps(pipeline);
  }
  auto users = LoadUsers(tx);
  int days = DaysInMonth(month);
  json managers = json::array();
  if (body.contains("managers")) {
    if (!body["managers"].is_array() || body["managers"].empty())
      return Error::Invalid("managers", "managers must be a non-empty list of {user_id, weight, first_day}");
    std::set<int64_t> seen;
    for (const auto& m : body["managers"]) {
      if (!m.is_object() || !m.contains("user_id") || !m["user_id"].is_number_integer())
        return Error::Invalid("managers", "every manager needs a user_id");
      int64_t id = m["user_id"];
      if (!users.count(id)) return Error::Unprocessable("managers", "no user with id " + std::to_string(id));
      if (!seen.insert(id).second) return Error::Invalid("managers", "user " + std::to_string(id) + " is listed twice");
      int64_t weight = 1, first_day = 1;
      if (m.contains("weight")) {
        if (!m["weight"].is_number_integer() || m["weight"].get<int64_t>() < 1 || m["weight"].get<int64_t>() > 1000)
          return Error::Invalid("managers", "a weight must be a whole number from 1 to 1000");
        weight = m["weight"];
      }
      if (m.contains("first_day")) {
        if (!m["first_day"].is_number_integer() || m["first_day"].get<int64_t>() < 1 || m["first_day"].get<int64_t>() > days)
          return Error::Invalid("managers", "first_day must be a day of " + month + " (1–" + std::to_string(days) + ")");
        first_day = m["first_day"];
      }
      managers.push_back({{"user_id", id}, {"weight", weight}, {"first_day", first_day}});
    }
  } else {
    for (const auto& r : tx.Query("SELECT id FROM users WHERE archived = 0 AND role = 'manager' AND takes_leads = 1 "
                                  "ORDER BY id"))
      managers.push_back({{"user_id", r.Int(0)}, {"weight", 1}, {"first_day", 1}});
    if (managers.empty())
      return Error::Unprocessable("managers", "nobody takes leads: list the managers to split the plan between");
  }
  out["managers"] = managers;
  return out;
} catch (const Error& e) {
  return e;
}

Result<json> ComputePlan(storage::Tx& tx, const json& request) {
  std::string pipeline = request["pipeline"], base_month = request["base_month"], month = request["month"];
  Period base = MonthPeriod(base_month).value();
  std::map<std::string, int64_t> counts;
  int64_t won_revenue = 0, won_count = 0;
  std::vector<std::string> path = MainPath(pipeline);
  for (const auto& r : LoadReaches(tx, pipeline, base)) {
    ++counts[r.step];
    if (r.step == path.back()) won_revenue += r.amount, ++won_count;
  }
  PlanInput in;
  in.revenue_plan = request["revenue_plan"];
  in.break_even = request["break_even"];
  int64_t base_average = won_count ? (won_revenue + won_count / 2) / won_count : 0;
  in.average_sale = request.contains("average_sale") ? request["average_sale"].get<int64_t>() : base_average;
  in.days_in_month = DaysInMonth(month);
  for (const auto& code : request["steps"]) {
    std::string c = code;
    in.steps.push_back({c, StageName(pipeline, c, true), StageName(pipeline, c, false), counts[c]});
  }
  auto users = LoadUsers(tx);
  for (const auto& m : request["managers"]) {
    int64_t id = m["user_id"];
    in.managers.push_back({id, users.count(id) ? users[id].name : "", m["weight"], m["first_day"]});
  }
  auto plan = DecomposePlan(in);
  if (!plan.ok()) {
    Error e = plan.error();
    if (e.field.rfind("steps.", 0) == 0 || e.field == "average_sale")
      e.message += " (base month " + base_month + ")";
    return e;
  }
  const Plan& p = plan.value();
  json lines = json::array();
  for (size_t i = 0; i < p.lines.size(); ++i) {
    const auto& l = p.lines[i];
    json line = {{"code", l.step.code},
                 {"name", {{"ru", l.step.name_ru}, {"en", l.step.name_en}}},
                 {"base_count", l.step.base_count},
                 {"target", l.target},
                 {"formula", l.formula}};
    if (i + 1 < p.lines.size()) {
      line["conversion_permille"] = l.conversion_permille;
      line["conversion_capped"] = l.conversion_capped;
      line["base_conversion_permille"] = Permille(p.lines[i + 1].step.base_count, l.step.base_count);
    }
    lines.push_back(line);
  }
  json managers = json::array();
  for (const auto& m : p.managers) {
    json targets = json::object();
    for (size_t i = 0; i < p.lines.size(); ++i) targets[p.lines[i].step.code] = m.targets[i];
    managers.push_back({{"user_id", m.user_id}, {"name", m.name}, {"weight", m.weight}, {"first_day", m.first_day},
                        {"share_permille", m.share_permille}, {"revenue", m.revenue}, {"targets", targets}});
  }
  json out = {{"input", request},
              {"base", {{"month", base_month}, {"sales", won_count}, {"revenue", won_revenue},
                        {"average_sale", base_average}}},
              {"plan", {{"month", month}, {"days_in_month", in.days_in_month}, {"revenue_plan", in.revenue_plan},
                        {"break_even", in.break_even}, {"average_sale", in.average_sale},
                        {"sales_needed", p.sales_needed}, {"break_even_sales", p.break_even_sales},
                        {"break_even_formula", p.break_even_formula}, {"lines", lines}, {"managers", managers}}}};
  return out;
}

json SavePlan(storage::Tx& tx, const json& computed, std::optional<int64_t> author, TimeMs now) {
  std::string month = computed["plan"]["month"];
  json result = {{"base", computed["base"]}, {"plan", computed["plan"]}};
  auto rows = tx.Query("SELECT version FROM sales_plans WHERE month = ?", {month});
  int64_t version = rows.empty() ? 1 : rows[0].Int(0) + 1;
  if (rows.empty())
    tx.Exec("INSERT INTO sales_plans (month, version, created_at, updated_at, author_id, input, result) "
            "VALUES (?, 1, ?, ?, ?, ?, ?)",
            {month, now, now, storage::OptInt(author), computed["input"].dump(), result.dump()});
  else
    tx.Exec("UPDATE sales_plans SET version = ?, updated_at = ?, author_id = ?, input = ?, result = ? WHERE month = ?",
            {version, now, storage::OptInt(author), computed["input"].dump(), result.dump(), month});
  json out = computed;
  out["version"] = version;
  out["saved_at"] = FormatIso(now);
  out["author_id"] = author ? json(*author) : json(nullptr);
  return out;
}

std::optional<json> LoadPlan(storage::Tx& tx, const std::string& month) {
  auto rows = tx.Query("SELECT version, updated_at, author_id, input, result FROM sales_plans WHERE month = ?", {month});
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  json result = json::parse(r.Text(4));
  return json{{"input", json::parse(r.Text(3))}, {"base", result["base"]}, {"plan", result["plan"]},
              {"version", r.Int(0)}, {"saved_at", FormatIso(r.Int(1))},
              {"author_id", r.IsNull(2) ? json(nullptr) : json(r.Int(2))}};
}

json PlanProgress(storage::Tx& tx, const json& saved, const std::optional<std::vector<int64_t>>& scope, TimeMs now) {
  const json& plan = saved["plan"];
  std::string month = plan["month"], pipeline = saved["input"].value("pipeline", std::string("it_studio"));
  Period period = MonthPeriod(month).value();
  int days = plan["days_in_month"];
  int elapsed = now >= period.to ? days : now < period.from ? 0 : DayOfMonth(now);
  auto in_scope = [&](int64_t u) { return !scope || std::find(scope->begin(), scope->end(), u) != scope->end(); };

  std::vector<std::string> codes = {"revenue"};
  for (const auto& l : plan["lines"]) codes.push_back(l["code"]);
  std::string won = codes.back();
  // user → code → daily
  std::map<int64_t, std::map<std::string, std::vector<int64_t>>> daily;
  auto add = [&](int64_t user, const std::string& code, TimeMs at, int64_t v) {
    auto& d = daily[user][code];
    d.resize(days, 0);
    d[DayOfMonth(at) - 1] += v;
  };
  for (const auto& r : LoadReaches(tx, pipeline, period)) {
    if (std::find(codes.begin(), codes.end(), r.step) == codes.end()) continue;
    add(r.user_id, r.step, r.at, 1);
    if (r.step == won) add(r.user_id, "revenue", r.at, r.amount);
  }
  std::map<int64_t, json> planned;
  for (const auto& m : plan["managers"]) planned[m["user_id"]] = m;
  auto users = LoadUsers(tx);

  auto series = [&](const std::map<std::string, int64_t>& targets, const std::vector<int64_t>& users_in) {
    json out = json::array();
    for (const auto& code : codes) {
      std::vector<int64_t> sum(days, 0);
      for (int64_t u : users_in) {
        auto it = daily.find(u);
        if (it == daily.end() || !it->second.count(code)) continue;
        const auto& d = it->second.at(code);
        for (int i = 0; i < days; ++i) sum[i] += d[i];
      }
      auto t = targets.find(code);
      ProgressSeries s = ComputeProgress(code, t == targets.end() ? 0 : t->second, sum, elapsed, days);
      out.push_back({{"code", s.code}, {"target", s.target}, {"actual", s.actual}, {"daily", s.daily},
                     {"planned_to_date", s.planned_to_date}, {"pace_percent", s.pace_percent},
                     {"projection", s.projection}, {"fulfilment_percent", s.fulfilment_percent}});
    }
    return out;
  };

  // People shown: planned managers in scope, and anyone in scope with actuals who is not in the
  // plan (a manager added mid-month before the plan was re-saved).
  std::vector<int64_t> people;
  for (const auto& [id, m] : planned)
    if (in_scope(id)) people.push_back(id);
  for (const auto& [id, d] : daily)
    if (in_scope(id) && !planned.count(id) && users.count(id) && users[id].role == "manager") people.push_back(id);
  json managers = json::array();
  std::map<std::string, int64_t> team_targets;
  bool whole_team = !scope || std::all_of(planned.begin(), planned.end(), [&](const auto& p) { return in_scope(p.first); });
  for (int64_t id : people) {
    std::map<std::string, int64_t> targets;
    bool in_plan = planned.count(id) > 0;
    if (in_plan) {
      targets["revenue"] = planned[id]["revenue"];
      for (const auto& [code, v] : planned[id]["targets"].items()) targets[code] = v;
      if (!whole_team)
        for (const auto& [code, v] : targets) team_targets[code] += v;
    }
    managers.push_back({{"user_id", id}, {"name", users.count(id) ? users[id].name : ""}, {"in_plan", in_plan},
                        {"series", series(targets, {id})}});
  }
  if (whole_team) {
    team_targets["revenue"] = plan["revenue_plan"];
    for (const auto& l : plan["lines"]) team_targets[l["code"]] = l["target"];
  }
  return {{"month", month}, {"days_in_month", days}, {"elapsed_days", elapsed},
          {"team", series(team_targets, people)}, {"managers", managers}};
}

}  // namespace voronka::analytics
