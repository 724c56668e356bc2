// The funnel report (conversion and time in stage, cohort or flow, grouped by a dimension), the
// cards behind any of its cells, and its Excel / CSV export. Everyone signed in reads it for
// the cards in their scope (funnel_store.h says whose a card is).

#include "analytics/export.h"
#include "analytics/funnel_store.h"
#include "http/api.h"

namespace voronka::http {

namespace {

using nlohmann::json;
using storage::TxMode;

analytics::FunnelRequest ParseRequest(const Context& ctx) {
  return Unwrap(analytics::ParseFunnelRequest([&](const std::string& k) { return ctx.req.Query(k); }, ctx.now));
}

Response Funnel(Context& ctx) {
  auto request = ParseRequest(ctx);
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  return Response::Json(200, analytics::FunnelReport(*tx, request, domain::ReadScope(ctx.user()), ctx.now));
}

Response FunnelCards(Context& ctx) {
  auto request = ParseRequest(ctx);
  std::string step = ctx.req.Query("step").value_or("");
  if (step.empty()) Fail(Error::Invalid("step", "step is required: the funnel step of the cell, e.g. proposal"));
  std::string which = ctx.req.Query("which").value_or("entered");
  if (which != "entered" && which != "converted")
    Fail(Error::Invalid("which", "which must be entered (the cell's count) or converted (moved on to the next step)"));
  std::optional<std::string> value = ctx.req.Query("value");
  if (value && request.query.group_by == analytics::FunnelDimension::kNone)
    Fail(Error::Invalid("value", "value needs a group (manager, product, region, channel or segment)"));
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  return Response::Json(200, Unwrap(analytics::FunnelCards(*tx, request, domain::ReadScope(ctx.user()), ctx.now, value,
                                                           step, which == "converted")));
}

std::string Days(const json& ms) {
  if (ms.is_null()) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", ms.get<double>() / (24.0 * 3600 * 1000));
  return buf;
}

Response ExportFunnel(Context& ctx) {
  auto request = ParseRequest(ctx);
  std::string format = ctx.req.Query("format").value_or("xlsx");
  if (format != "xlsx" && format != "csv") Fail(Error::Invalid("format", "format must be xlsx or csv"));
  auto tx = ctx.app.db.Begin(TxMode::kRead);
  json report = analytics::FunnelReport(*tx, request, domain::ReadScope(ctx.user()), ctx.now);
  using analytics::ColumnKind;
  bool grouped = request.query.group_by != analytics::FunnelDimension::kNone;
  analytics::Sheet sheet{"Воронка " + request.period_label.substr(0, 7), {}, {}};
  if (grouped) sheet.columns.push_back({"Группа", ColumnKind::kText, 24});
  for (auto c : std::vector<analytics::Column>{{"Этап", ColumnKind::kText, 26},
                                               {"Дошли", ColumnKind::kInteger, 10},
                                               {"Перешли дальше", ColumnKind::kInteger, 14},
                                               {"Конверсия", ColumnKind::kPercent, 11},
                                               {"Время на этапе, медиана (дн.)", ColumnKind::kText, 16},
                                               {"Время на этапе, p90 (дн.)", ColumnKind::kText, 16}})
    sheet.columns.push_back(c);
  auto add_rows = [&](const json& row, const std::string& label) {
    const json& cells = row["cells"];
    for (size_t i = 0; i < cells.size(); ++i) {
      std::vector<analytics::Cell> out;
      if (grouped) out.push_back(label);
      const json& c = cells[i];
      out.push_back(report["steps"][i]["name"]["ru"].get<std::string>());
      out.push_back(c["entered"].get<int64_t>());
      out.push_back(c["converted"].get<int64_t>());
      out.push_back(c["conversion_permille"].is_null() ? analytics::Cell{}
                                                        : analytics::Cell(c["conversion_permille"].get<int64_t>()));
      out.push_back(Days(c["median_ms"]));
      out.push_back(Days(c["p90_ms"]));
      sheet.rows.push_back(std::move(out));
    }
  };
  add_rows(report["total"], "Все");
  for (const auto& g : report["groups"]) add_rows(g, g["label"].get<std::string>());
  Response res;
  if (format == "csv") {
    res.content_type = "text/csv; charset=utf-8";
    res.body = analytics::ToCsv(sheet);
  } else {
    res.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    res.body = analytics::ToXlsx({sheet});
  }
  std::string name = "funnel-" + std::string(report["mode"]) + "-" + request.period_label.substr(0, 7);
  res.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + "." + format + "\"");
  return res;
}

const std::vector<std::string> kFunnelQuery = {"pipeline", "mode",   "month",  "from",    "to",     "group",
                                               "manager",  "product", "region", "channel", "segment"};

std::vector<std::string> With(std::vector<std::string> q, std::initializer_list<const char*> more) {
  for (const char* m : more) q.push_back(m);
  return q;
}

}  // namespace

void RegisterAnalyticsFunnelRoutes(Router& r) {
  r.Add("GET", "/api/analytics/funnel", Auth::kRequired,
        {.summary = "The funnel: per step, cards that reached it, moved on, conversion (permille) and time in the "
                    "step (median, p90, ms); mode=cohort (cards created in the period, followed to where they got) "
                    "or flow (transitions of the period); grouped by manager (default), product, region, channel, "
                    "segment or none; for the cards in my scope",
         .tag = "analytics", .query = kFunnelQuery},
        Funnel);
  r.Add("GET", "/api/analytics/funnel/cards", Auth::kRequired,
        {.summary = "The cards behind a funnel cell: the same parameters plus step, which=entered|converted and the "
                    "group's value (omit it for the total row)",
         .tag = "analytics", .query = With(kFunnelQuery, {"step", "which", "value"})},
        FunnelCards);
  r.Add("GET", "/api/analytics/funnel/export", Auth::kRequired,
        {.summary = "The funnel table as Excel (?format=xlsx, default) or CSV, same parameters", .tag = "analytics",
         .query = With(kFunnelQuery, {"format"})},
        ExportFunnel);
}

}  // namespace voronka::http
