#include "analytics/funnel_store.h"

#include <date/tz.h>

#include <algorithm>
#include <cstdio>
#include <limits>

#include "process/definition.h"

namespace voronka::analytics {

using nlohmann::json;

namespace {

// "2026-11-05" → the start of that day in Europe/Moscow.
std::optional<TimeMs> DayStart(const std::string& text) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return std::nullopt;
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)}, date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || y < 2000 || y > 2200) return std::nullopt;
  static const date::time_zone* zone = date::locate_zone("Europe/Moscow");
  return zone->to_sys(date::local_days{ymd}, date::choose::earliest).time_since_epoch().count() * 1000;
}

std::vector<std::string> FunnelSteps(const std::string& pipeline) {
  std::vector<std::string> path = MainPath(pipeline), steps = {"leads"};
  for (size_t i = 1; i < path.size(); ++i) steps.push_back(path[i]);
  return steps;
}

json Optional(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }

json RowJson(const FunnelRow& row, const std::string& label) {
  json cells = json::array();
  for (const auto& c : row.cells)
    cells.push_back({{"entered", c.entered}, {"converted", c.converted},
                     {"conversion_permille", c.conversion_permille ? json(*c.conversion_permille) : json(nullptr)},
                     {"median_ms", Optional(c.median_ms)}, {"p90_ms", Optional(c.p90_ms)}});
  return {{"key", row.key}, {"label", label}, {"cells", cells}};
}

std::map<int64_t, std::string> UserNames(storage::Tx& tx) {
  std::map<int64_t, std::string> out;
  for (const auto& r : tx.Query("SELECT id, name FROM users")) out[r.Int(0)] = r.Text(1);
  return out;
}

std::string GroupLabel(FunnelDimension d, const std::string& key, const std::map<int64_t, std::string>& names) {
  if (key.empty()) return "—";
  if (d != FunnelDimension::kManager) return key;
  auto it = names.find(std::stoll(key));
  return it == names.end() ? "#" + key : it->second;
}

json PeriodJson(const FunnelRequest& r) {
  return {{"from", FormatIso(r.query.period.from)}, {"to", FormatIso(r.query.period.to)}, {"label", r.period_label}};
}

}  // namespace

std::string FunnelStepName(const std::string& pipeline, const std::string& step, bool ru) {
  if (step == "leads") return ru ? "Заявки" : "Leads";
  const process::Definition* d = process::ShippedDefinition(pipeline);
  const process::Stage* s = d ? d->FindStage(step) : nullptr;
  if (!s) return step;
  return ru ? s->name.ru : s->name.en;
}

Result<FunnelRequest> ParseFunnelRequest(const ParamReader& param, TimeMs now) {
  auto get = [&](const char* name) { return param(name).value_or(""); };
  FunnelRequest r;
  if (!get("pipeline").empty()) r.pipeline = get("pipeline");
  if (!process::ShippedDefinition(r.pipeline)) {
    std::string list;
    for (const auto& c : process::ShippedDefinitionCodes()) list += (list.empty() ? "" : ", ") + c;
    return Error::Invalid("pipeline", "unknown pipeline '" + r.pipeline + "' (" + list + ")");
  }
  r.query.steps = FunnelSteps(r.pipeline);
  if (!get("mode").empty()) {
    auto mode = ParseFunnelMode(get("mode"));
    if (!mode.ok()) return mode.error();
    r.query.mode = mode.value();
  }
  r.query.group_by = FunnelDimension::kManager;
  if (!get("group").empty()) {
    auto group = ParseFunnelDimension(get("group"));
    if (!group.ok()) return group.error();
    r.query.group_by = group.value();
  }
  std::string from = get("from"), to = get("to"), month = get("month");
  if (!from.empty() || !to.empty()) {
    if (!month.empty()) return Error::Invalid("month", "send either month or from and to, not both");
    auto a = DayStart(from), b = DayStart(to);
    if (!a) return Error::Invalid("from", "from must be a day like 2026-11-01");
    if (!b) return Error::Invalid("to", "to must be a day like 2026-11-30");
    if (*b < *a) return Error::Invalid("to", "to must not be before from");
    if (*b - *a > 3LL * 366 * 24 * 3600 * 1000) return Error::Invalid("to", "the period may be at most three years");
    r.query.period = {*a, *b + 24LL * 3600 * 1000};
    // The day after `to` may start 23 or 25 hours later only in zones with clock changes; Moscow has none.
    r.period_label = from + " – " + to;
  } else {
    if (month.empty()) month = MonthOf(now);
    auto p = MonthPeriod(month);
    if (!p.ok()) return p.error();
    r.query.period = p.value();
    r.period_label = month;
  }
  for (const char* d : {"manager", "product", "region", "channel", "segment"}) {
    std::string v = get(d);
    if (v.empty()) continue;
    if (std::string(d) == "manager" &&
        (v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos))
      return Error::Invalid("manager", "manager must be a user id");
    if (v.size() > 200) return Error::Invalid(d, std::string(d) + " must be at most 200 characters");
    r.filters[d] = v;
  }
  return r;
}

FunnelData LoadFunnelData(storage::Tx& tx, const FunnelRequest& request,
                          const std::optional<std::vector<int64_t>>& scope, TimeMs now) {
  const auto& q = request.query;
  // Cohort: the cohort's cards were created in the period, so nothing before it matters; they
  // are followed up to now. Flow: the time in a step may start before the period.
  Period load = q.mode == FunnelMode::kCohort ? Period{q.period.from, std::max(now + 1, q.period.to)}
                                              : Period{0, q.period.to};
  FunnelData data;
  data.reaches = LoadReaches(tx, request.pipeline, load);

  std::map<std::string, size_t> index;
  for (size_t i = 0; i < q.steps.size(); ++i) index.emplace(q.steps[i], i);
  std::map<int64_t, std::pair<size_t, const Reach*>> furthest;
  for (const auto& r : data.reaches) {
    auto step = index.find(r.step);
    if (step == index.end()) continue;
    auto [it, fresh] = furthest.try_emplace(r.deal_id, step->second, &r);
    if (!fresh && (step->second > it->second.first ||
                   (step->second == it->second.first && r.at > it->second.second->at)))
      it->second = {step->second, &r};
  }
  auto in_scope = [&](int64_t u) { return !scope || std::find(scope->begin(), scope->end(), u) != scope->end(); };
  for (const auto& row : tx.Query("SELECT id, responsible_id, product, region, channel, segment FROM deals "
                                  "WHERE pipeline = ? AND archived = 0",
                                  {request.pipeline})) {
    int64_t id = row.Int(0);
    auto f = furthest.find(id);
    if (f == furthest.end()) continue;  // nothing in the loaded range
    FunnelCard card{id, f->second.second->user_id ? f->second.second->user_id : row.MaybeInt(1).value_or(0),
                    row.IsNull(2) ? "" : row.Text(2), row.IsNull(3) ? "" : row.Text(3),
                    row.IsNull(4) ? "" : row.Text(4), row.IsNull(5) ? "" : row.Text(5)};
    if (!in_scope(card.manager)) continue;
    bool pass = true;
    for (const auto& [dim, value] : request.filters)
      if (FunnelGroupKey(card, ParseFunnelDimension(dim).value()) != value) pass = false;
    if (pass) data.cards.emplace(id, std::move(card));
  }
  return data;
}

json FunnelReport(storage::Tx& tx, const FunnelRequest& request, const std::optional<std::vector<int64_t>>& scope,
                  TimeMs now) {
  FunnelData data = LoadFunnelData(tx, request, scope, now);
  FunnelTable table = ComputeFunnel(request.query, data.reaches, data.cards);
  auto names = UserNames(tx);
  json steps = json::array();
  for (const auto& s : table.steps)
    steps.push_back({{"code", s},
                     {"name", {{"ru", FunnelStepName(request.pipeline, s, true)},
                               {"en", FunnelStepName(request.pipeline, s, false)}}}});
  json groups = json::array();
  for (const auto& g : table.groups) groups.push_back(RowJson(g, GroupLabel(request.query.group_by, g.key, names)));
  std::sort(groups.begin(), groups.end(), [](const json& a, const json& b) { return a["label"] < b["label"]; });
  return {{"pipeline", request.pipeline},
          {"mode", request.query.mode == FunnelMode::kCohort ? "cohort" : "flow"},
          {"group", FunnelDimensionName(request.query.group_by)},
          {"filters", request.filters},
          {"period", PeriodJson(request)},
          {"steps", steps},
          {"total", RowJson(table.total, "")},
          {"groups", groups}};
}

Result<json> FunnelCards(storage::Tx& tx, const FunnelRequest& request, const std::optional<std::vector<int64_t>>& scope,
                         TimeMs now, const std::optional<std::string>& group_value, const std::string& step,
                         bool converted) {
  FunnelData data = LoadFunnelData(tx, request, scope, now);
  auto ids = FunnelCellCards(request.query, data.reaches, data.cards, group_value, step, converted);
  if (!ids.ok()) return ids.error();
  const auto& steps = request.query.steps;
  size_t i = static_cast<size_t>(std::find(steps.begin(), steps.end(), step) - steps.begin());
  std::map<int64_t, std::pair<std::optional<TimeMs>, std::optional<TimeMs>>> when;  // reach of step, of next
  for (const auto& r : data.reaches) {
    auto set = [&](std::optional<TimeMs>& t) { if (!t || r.at < *t) t = r.at; };
    if (r.step == step) set(when[r.deal_id].first);
    if (i + 1 < steps.size() && r.step == steps[i + 1]) set(when[r.deal_id].second);
  }
  auto names = UserNames(tx);
  json items = json::array();
  const size_t kLimit = 500;
  for (size_t k = 0; k < ids.value().size() && k < kLimit; ++k) {
    int64_t id = ids.value()[k];
    auto rows = tx.Query("SELECT title, stage, status, amount, responsible_id FROM deals WHERE id = ?", {id});
    if (rows.empty()) continue;
    const auto& r = rows[0];
    auto [reached, next] = when[id];
    auto resp = r.MaybeInt(4);
    items.push_back({{"id", id}, {"title", r.Text(0)}, {"stage", r.Text(1)}, {"status", r.Text(2)},
                     {"amount", r.Int(3)}, {"responsible_id", resp ? json(*resp) : json(nullptr)},
                     {"responsible_name", resp && names.count(*resp) ? json(names[*resp]) : json(nullptr)},
                     {"manager_id", data.cards.at(id).manager},
                     {"manager_name", names.count(data.cards.at(id).manager) ? json(names[data.cards.at(id).manager]) : json(nullptr)},
                     {"reached_at", reached ? json(FormatIso(*reached)) : json(nullptr)},
                     {"next_at", next ? json(FormatIso(*next)) : json(nullptr)}});
  }
  json out = {{"step", step}, {"which", converted ? "converted" : "entered"},
              {"group", FunnelDimensionName(request.query.group_by)},
              {"group_value", group_value ? json(*group_value) : json(nullptr)},
              {"period", PeriodJson(request)}, {"total", ids.value().size()}, {"items", items}};
  if (group_value)
    out["group_label"] = GroupLabel(request.query.group_by, *group_value, names);
  return out;
}

}  // namespace voronka::analytics
