// The deviation report: per rule of the process with a deadline, how often it fell due in the
// period and was met on time, late or missed, per manager; the tasks and cards behind a cell;
// Excel / CSV. Everyone signed in reads it for the assignees in their scope.

#include <map>

#include "analytics/deviations_store.h"
#include "analytics/export.h"
#include "http/api.h"

namespace voronka::http {

namespace {

using nlohmann::json;
using storage::TxMode;

analytics::DeviationRequest ParseRequest(const Context& ctx) {
  return Unwrap(analytics::ParseDeviationRequest([&](const std::string& k) { return ctx.req.Query(k); }, ctx.now));
}

Response Report(Context& ctx) {
  auto request = ParseRequest(ctx);
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  return Response::Json(200, analytics::DeviationReport(*tx, request, domain::ReadScope(ctx.user()), ctx.now));
}

Response Cards(Context& ctx) {
  std::string rule = ctx.req.Query("rule").value_or("");
  if (rule.empty()) Fail(Error::Invalid("rule", "rule is required: the code of the process rule, e.g. get_contact"));
  std::optional<analytics::RuleOutcome> outcome;
  if (auto o = ctx.req.Query("outcome"); o && !o->empty()) outcome = Unwrap(analytics::ParseRuleOutcome(*o));
  auto request = ParseRequest(ctx);
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  return Response::Json(200, analytics::DeviationCards(*tx, request, domain::ReadScope(ctx.user()), ctx.now, rule, outcome));
}

Response Export(Context& ctx) {
  std::string format = ctx.req.Query("format").value_or("xlsx");
  if (format != "xlsx" && format != "csv") Fail(Error::Invalid("format", "format must be xlsx or csv"));
  auto request = ParseRequest(ctx);
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  json report = analytics::DeviationReport(*tx, request, domain::ReadScope(ctx.user()), ctx.now);
  using analytics::ColumnKind;
  analytics::Sheet sheet{"Регламент " + request.period_label.substr(0, 7),
                         {{"Правило", ColumnKind::kText, 34},
                          {"Менеджер", ColumnKind::kText, 22},
                          {"Наступил срок", ColumnKind::kInteger, 12},
                          {"Вовремя", ColumnKind::kInteger, 10},
                          {"С опозданием", ColumnKind::kInteger, 12},
                          {"Пропущено", ColumnKind::kInteger, 11},
                          {"Ещё не наступил", ColumnKind::kInteger, 12},
                          {"Отклонений", ColumnKind::kInteger, 11}},
                         {}};
  std::map<std::string, std::string> names;
  for (const auto& m : report["managers"]) names[std::to_string(m["user_id"].get<int64_t>())] = m["name"];
  auto row = [&](const std::string& title, const std::string& who, const json& c, analytics::Cell raised) {
    sheet.rows.push_back({title, who, c["due"].get<int64_t>(), c["on_time"].get<int64_t>(), c["late"].get<int64_t>(),
                          c["missed"].get<int64_t>(), c["open"].get<int64_t>(), raised});
  };
  for (const auto& r : report["rules"]) {
    std::string title = r["title"]["ru"];
    row(title, "Все", r["total"], r["deviations_raised"].get<int64_t>());
    for (const auto& [user, counts] : r["managers"].items()) row(title, names[user], counts, analytics::Cell{});
  }
  Response res;
  if (format == "csv") {
    res.content_type = "text/csv; charset=utf-8";
    res.body = analytics::ToCsv(sheet);
  } else {
    res.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    res.body = analytics::ToXlsx({sheet});
  }
  res.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"deviations-" + request.period_label.substr(0, 7) + "." + format + "\"");
  return res;
}

}  // namespace

void RegisterAnalyticsDeviationRoutes(Router& r) {
  const std::vector<std::string> query = {"pipeline", "month", "from", "to", "manager"};
  r.Add("GET", "/api/analytics/deviations", Auth::kRequired,
        {.summary = "Regulation against actual: per rule of the process with a deadline, how many tasks fell due in "
                    "the period (month or from/to), met on time, late, missed, still open, and deviations raised; "
                    "per manager, for the assignees in my scope",
         .tag = "analytics", .query = query},
        Report);
  std::vector<std::string> cards_query = query;
  cards_query.push_back("rule");
  cards_query.push_back("outcome");
  r.Add("GET", "/api/analytics/deviations/cards", Auth::kRequired,
        {.summary = "The tasks and cards behind a cell of the deviation report: rule, outcome (on_time, late, missed, "
                    "open; none: all that fell due), manager",
         .tag = "analytics", .query = cards_query},
        Cards);
  std::vector<std::string> export_query = query;
  export_query.push_back("format");
  r.Add("GET", "/api/analytics/deviations/export", Auth::kRequired,
        {.summary = "The deviation report as Excel (?format=xlsx, default) or CSV", .tag = "analytics",
         .query = export_query},
        Export);
}

}  // namespace voronka::http
