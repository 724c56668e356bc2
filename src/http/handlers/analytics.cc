// Management analytics: the month's plan decomposed up the funnel and its progress, the
// motivation sheet (points, salary, leaderboard), and their Excel / CSV exports.
// Access: a manager sees own numbers, a head the team, owner, curator and admin everything;
// only a head or an admin saves a plan.

#include <algorithm>

#include "analytics/export.h"
#include "analytics/motivation_store.h"
#include "analytics/plan_store.h"
#include "http/api.h"

namespace voronka::http {

namespace {
using nlohmann::json;
using storage::TxMode;

std::string MonthParam(const Context& ctx) {
  std::string month = ctx.params.count("month") ? ctx.params.at("month") : ctx.req.Query("month").value_or("");
  if (month.empty()) return analytics::MonthOf(ctx.now);
  Unwrap(analytics::MonthPeriod(month));
  return month;
}

void RequirePlanner(const Context& ctx, bool save) {
  auto role = ctx.user().role;
  if (role == domain::Role::kHead || role == domain::Role::kAdmin) return;
  if (!save && role == domain::Role::kOwner) return;
  Fail(Error::Forbidden(save ? "only the head of sales or an admin saves the month's plan"
                             : "only the head of sales, the owner or an admin plans the month"));
}

// A manager sees the plan's arithmetic and own split line only.
json ForViewer(const Context& ctx, json plan) {
  if (ctx.user().role != domain::Role::kManager) return plan;
  json own = json::array();
  for (const auto& m : plan["plan"]["managers"])
    if (m["user_id"] == ctx.user().user_id) own.push_back(m);
  plan["plan"]["managers"] = own;
  return plan;
}

json ComputeFromBody(storage::Tx& tx, const Context& ctx, std::string month) {
  json body = ctx.JsonBody();
  if (!body.is_object()) Fail(Error::Invalid("", "request body must be a JSON object"));
  if (!month.empty()) {
    if (body.contains("month") && body["month"] != month)
      Fail(Error::Invalid("month", "the body's month differs from the address"));
    body["month"] = month;
  }
  json request = Unwrap(analytics::NormalisePlanRequest(tx, body));
  return Unwrap(analytics::ComputePlan(tx, request));
}

Response PreviewPlan(Context& ctx) {
  RequirePlanner(ctx, false);
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  return Response::Json(200, ComputeFromBody(*tx, ctx, ""));
}

Response SavePlan(Context& ctx) {
  RequirePlanner(ctx, true);
  std::string month = MonthParam(ctx);
  json out;
  ctx.app.db.Write([&](storage::Tx& tx) {
    json computed = ComputeFromBody(tx, ctx, month);
    out = analytics::SavePlan(tx, computed, ctx.user().user_id, ctx.now);
    tx.Commit();
  });
  return Response::Json(200, out);
}

Response GetPlan(Context& ctx) {
  std::string month = MonthParam(ctx);
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  auto saved = analytics::LoadPlan(*tx, month);
  json out = {{"month", month}, {"saved", saved ? ForViewer(ctx, *saved) : json(nullptr)},
              {"default_base_month", analytics::PreviousMonth(month)},
              {"default_steps", analytics::DefaultPlanSteps("it_studio")},
              {"can_save", ctx.user().role == domain::Role::kHead || ctx.user().role == domain::Role::kAdmin}};
  json candidates = json::array();
  for (const auto& r : tx->Query("SELECT id, name FROM users WHERE archived = 0 AND role = 'manager' AND "
                                 "takes_leads = 1 ORDER BY id"))
    candidates.push_back({{"user_id", r.Int(0)}, {"name", r.Text(1)}});
  out["managers"] = candidates;
  return Response::Json(200, out);
}

json SavedOr404(storage::Tx& tx, const std::string& month) {
  auto saved = analytics::LoadPlan(tx, month);
  if (!saved) Fail(Error::NotFound("no plan is saved for " + month));
  return *saved;
}

Response Progress(Context& ctx) {
  std::string month = MonthParam(ctx);
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  json saved = SavedOr404(*tx, month);
  return Response::Json(200, analytics::PlanProgress(*tx, saved, domain::ReadScope(ctx.user()), ctx.now));
}

std::string Format(const Context& ctx) {
  std::string f = ctx.req.Query("format").value_or("xlsx");
  if (f != "xlsx" && f != "csv") Fail(Error::Invalid("format", "format must be xlsx or csv"));
  return f;
}

Response Download(const std::vector<analytics::Sheet>& sheets, const std::string& format, const std::string& name) {
  Response res;
  if (format == "csv") {
    res.content_type = "text/csv; charset=utf-8";
    res.body = analytics::ToCsv(sheets.front());
  } else {
    res.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    res.body = analytics::ToXlsx(sheets);
  }
  res.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "." + format + "\"");
  return res;
}

Response ExportPlan(Context& ctx) {
  std::string month = MonthParam(ctx), format = Format(ctx);
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  json saved = ForViewer(ctx, SavedOr404(*tx, month));
  const json& plan = saved["plan"];
  using analytics::Column;
  using analytics::ColumnKind;
  analytics::Sheet steps{"План " + month,
                         {{"Показатель", ColumnKind::kText, 22},
                          {"Базовый месяц", ColumnKind::kInteger, 14},
                          {"Конверсия в следующий", ColumnKind::kPercent, 14},
                          {"План на месяц", ColumnKind::kInteger, 14},
                          {"Расчёт", ColumnKind::kText, 34}},
                         {}};
  steps.rows.push_back({std::string("Выручка"), std::monostate{}, std::monostate{}, std::monostate{},
                        std::string(analytics::FormatRubles(plan["revenue_plan"]))});
  steps.rows.push_back({std::string("Средняя продажа"), std::monostate{}, std::monostate{}, std::monostate{},
                        std::string(analytics::FormatRubles(plan["average_sale"]))});
  if (plan["break_even_sales"].get<int64_t>() > 0)
    steps.rows.push_back({std::string("Продаж до точки безубыточности"), std::monostate{}, std::monostate{},
                          plan["break_even_sales"].get<int64_t>(), plan["break_even_formula"].get<std::string>()});
  for (const auto& l : plan["lines"])
    steps.rows.push_back({l["name"]["ru"].get<std::string>(), l["base_count"].get<int64_t>(),
                          l.contains("conversion_permille") ? analytics::Cell(l["conversion_permille"].get<int64_t>())
                                                            : analytics::Cell{},
                          l["target"].get<int64_t>(), l["formula"].get<std::string>()});
  analytics::Sheet split{"По менеджерам", {{"Менеджер", ColumnKind::kText, 24}, {"Доля", ColumnKind::kPercent, 8},
                                           {"С дня", ColumnKind::kInteger, 7}, {"Выручка", ColumnKind::kRubles, 16}},
                         {}};
  for (const auto& l : plan["lines"]) split.columns.push_back({l["name"]["ru"], ColumnKind::kInteger, 12});
  for (const auto& m : plan["managers"]) {
    std::vector<analytics::Cell> row = {m["name"].get<std::string>(), m["share_permille"].get<int64_t>(),
                                        m["first_day"].get<int64_t>(), m["revenue"].get<int64_t>()};
    for (const auto& l : plan["lines"]) row.push_back(m["targets"][l["code"].get<std::string>()].get<int64_t>());
    split.rows.push_back(row);
  }
  std::vector<analytics::Sheet> sheets = {steps, split};
  if (ctx.req.Query("sheet").value_or("") == "managers") std::swap(sheets[0], sheets[1]);
  return Download(sheets, format, "plan-" + month);
}


Response Motivation(Context& ctx) {
  std::string month = MonthParam(ctx);
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  return Response::Json(200, analytics::MotivationSheet(*tx, month, domain::ReadScope(ctx.user())));
}

Response MotivationScheme(Context&) {
  return Response::Json(200, {{"yaml", analytics::DefaultSchemeYaml()},
                              {"scheme", analytics::SchemeToJson(analytics::DefaultScheme())}});
}

Response ExportMotivation(Context& ctx) {
  std::string month = MonthParam(ctx), format = Format(ctx);
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  json sheet = analytics::MotivationSheet(*tx, month, domain::ReadScope(ctx.user()));
  using analytics::ColumnKind;
  analytics::Sheet payroll{"Ведомость " + month, {{"Место", ColumnKind::kInteger, 7}, {"Менеджер", ColumnKind::kText, 24}}, {}};
  for (const auto& a : sheet["scheme"]["actions"])
    payroll.columns.push_back({a["name"]["ru"].get<std::string>() + " (×" + std::to_string(a["points"].get<int>()) + ")",
                               ColumnKind::kInteger, 14});
  for (auto c : std::vector<analytics::Column>{{"Баллы", ColumnKind::kInteger, 9},
                                               {"Оклад", ColumnKind::kRubles, 14},
                                               {"Продажи", ColumnKind::kRubles, 16},
                                               {"План продаж", ColumnKind::kRubles, 16},
                                               {"% плана", ColumnKind::kInteger, 9},
                                               {"% с продаж", ColumnKind::kInteger, 10},
                                               {"Бонус", ColumnKind::kRubles, 14},
                                               {"Итого", ColumnKind::kRubles, 16}})
    payroll.columns.push_back(c);
  for (const auto& r : sheet["rows"]) {
    std::vector<analytics::Cell> row = {r["rank"].get<int64_t>(), r["name"].get<std::string>()};
    for (const auto& a : sheet["scheme"]["actions"])
      row.push_back(r["actions"][a["code"].get<std::string>()]["counted"].get<int64_t>());
    for (const char* k : {"points", "base", "sales", "sales_plan", "sales_plan_percent", "percent", "bonus", "total"})
      row.push_back(r[k].get<int64_t>());
    payroll.rows.push_back(row);
  }
  return Download({payroll}, format, "payroll-" + month);
}
}  // namespace

void RegisterAnalyticsRoutes(Router& r) {
  r.Add("GET", "/api/analytics/plan", Auth::kRequired,
        {.summary = "The month's saved plan (?month=2026-11, default this month), the default base month and steps, "
                    "the managers who take leads",
         .tag = "analytics", .query = {"month"}},
        GetPlan);
  r.Add("POST", "/api/analytics/plan/preview", Auth::kRequired,
        {.summary = "Decompose a revenue plan up the funnel with the base month's conversions, rounding up at every "
                    "step, and split it per manager; nothing is saved (head, owner, admin). A zero conversion is a "
                    "422 naming the step",
         .tag = "analytics", .request_schema = "SalesPlan"},
        PreviewPlan);
  r.Add("PUT", "/api/analytics/plan/{month}", Auth::kRequired,
        {.summary = "Save the month's plan (head, admin); replaces an earlier one", .tag = "analytics",
         .request_schema = "SalesPlan"},
        SavePlan);
  r.Add("GET", "/api/analytics/plan/{month}/progress", Auth::kRequired,
        {.summary = "Actuals against the saved plan day by day: pace and projection to month end, for the team and "
                    "each manager in my scope",
         .tag = "analytics"},
        Progress);
  r.Add("GET", "/api/analytics/plan/{month}/export", Auth::kRequired,
        {.summary = "The saved plan as Excel (?format=xlsx, default) or CSV (?format=csv&sheet=steps|managers)",
         .tag = "analytics", .query = {"format", "sheet"}},
        ExportPlan);
  r.Add("GET", "/api/analytics/motivation", Auth::kRequired,
        {.summary = "The month's motivation sheet (?month=2026-11): points per action (quality rules applied), "
                    "salary level, % of sales, pay; in leaderboard order, for the managers in my scope",
         .tag = "analytics", .query = {"month"}},
        Motivation);
  r.Add("GET", "/api/analytics/motivation/scheme", Auth::kRequired,
        {.summary = "The motivation scheme: its YAML and what it means", .tag = "analytics"}, MotivationScheme);
  r.Add("GET", "/api/analytics/motivation/export", Auth::kRequired,
        {.summary = "The payroll sheet and leaderboard as Excel (?format=xlsx, default) or CSV", .tag = "analytics",
         .query = {"month", "format"}},
        ExportMotivation);
}

}  // namespace voronka::http
