#include "analytics/monitor_store.h"

#include <algorithm>
#include <map>

#include "analytics/history.h"
#include "analytics/norms_store.h"

namespace voronka::analytics {

using nlohmann::json;

namespace {

int64_t IntOr0(const storage::Row& r, size_t i) { return r.IsNull(i) ? 0 : r.Int(i); }

json LastAction(storage::Tx& tx, int64_t user) {
  auto rows = tx.Query("SELECT at, entity, entity_id, action, field FROM audit_log WHERE user_id = ? "
                       "ORDER BY id DESC LIMIT 1",
                       {user});
  if (rows.empty()) return nullptr;
  const auto& r = rows[0];
  std::string entity = r.Text(1);
  int64_t id = r.Int(2);
  std::optional<int64_t> deal;
  if (entity == "deals") deal = id;
  else if (entity == "activities" || entity == "tasks") {
    auto d = tx.Query("SELECT deal_id FROM " + entity + " WHERE id = ?", {id});
    if (!d.empty()) deal = d[0].MaybeInt(0);
  }
  json out = {{"at", FormatIso(r.Int(0))}, {"entity", entity}, {"entity_id", id}, {"action", r.Text(3)},
              {"field", r.IsNull(4) ? json(nullptr) : json(r.Text(4))}, {"deal_id", nullptr}, {"deal_title", nullptr}};
  if (deal) {
    auto t = tx.Query("SELECT title FROM deals WHERE id = ?", {*deal});
    out["deal_id"] = *deal;
    if (!t.empty()) out["deal_title"] = t[0].Text(0);
  }
  return out;
}

}  // namespace

json Monitor(storage::Tx& tx, const std::optional<std::vector<int64_t>>& scope, TimeMs now) {
  StoredNorms stored = CurrentNorms(tx);
  const Norms& norms = stored.norms;
  NormClock clock = ClockFor(norms, now);
  auto in_scope = [&](int64_t u) { return !scope || std::find(scope->begin(), scope->end(), u) != scope->end(); };

  struct Tasks {
    int64_t done_today = 0, open_today = 0, overdue = 0;
  };
  std::map<int64_t, Tasks> tasks;
  for (const auto& r : tx.Query(
           "SELECT assignee_id, SUM(CASE WHEN done = 1 AND done_at >= ? AND done_at < ? THEN 1 ELSE 0 END), "
           "SUM(CASE WHEN done = 0 AND due_at >= ? AND due_at < ? THEN 1 ELSE 0 END), "
           "SUM(CASE WHEN done = 0 AND due_at < ? THEN 1 ELSE 0 END) FROM tasks "
           "WHERE archived = 0 AND assignee_id IS NOT NULL AND (done = 0 OR done_at >= ?) GROUP BY assignee_id",
           {clock.day_start, clock.day_end, now, clock.day_end, now, clock.day_start}))
    tasks[r.Int(0)] = {IntOr0(r, 1), IntOr0(r, 2), IntOr0(r, 3)};

  std::map<int64_t, std::pair<int64_t, int64_t>> deviations;  // open, today
  for (const auto& r : tx.Query(
           "SELECT v.user_id, SUM(CASE WHEN d.status = 'open' AND d.archived = 0 THEN 1 ELSE 0 END), "
           "SUM(CASE WHEN v.created_at >= ? THEN 1 ELSE 0 END) FROM deviations v JOIN deals d ON d.id = v.deal_id "
           "WHERE v.user_id IS NOT NULL GROUP BY v.user_id",
           {clock.day_start}))
    deviations[r.Int(0)] = {IntOr0(r, 1), IntOr0(r, 2)};

  // What each user did this week, by norm.
  std::map<int64_t, std::map<std::string, int64_t>> today, week;
  auto count = [&](int64_t user, TimeMs at, const std::string& code) {
    ++week[user][code];
    if (at >= clock.day_start) ++today[user][code];
  };
  Period this_week{clock.week_start, now + 1};
  for (const auto& a : LoadActivities(tx, this_week))
    for (const auto& n : norms.norms)
      if (!n.activity.empty() && n.activity == a.type) count(a.user_id, a.at, n.code);
  for (const auto& r : LoadReaches(tx, "it_studio", this_week))
    for (const auto& n : norms.norms)
      if (!n.stage_reached.empty() && n.stage_reached == r.step) count(r.user_id, r.at, n.code);

  json users = json::array();
  for (const auto& r : tx.Query("SELECT id, name, role, takes_leads FROM users WHERE archived = 0 AND "
                                "role IN ('manager', 'head') ORDER BY name, id")) {
    int64_t id = r.Int(0);
    if (!in_scope(id)) continue;
    bool applies = r.Text(2) == "manager" && r.Int(3) != 0;
    json items = json::array();
    bool behind = false;
    if (applies)
      for (const auto& s : CompareNorms(norms, clock, today[id], week[id])) {
        behind = behind || s.behind;
        items.push_back({{"code", s.code}, {"today", s.today}, {"week", s.week},
                         {"today_norm_x100", s.today_norm_x100}, {"week_norm_x100", s.week_norm_x100},
                         {"today_expected_x100", s.today_expected_x100},
                         {"week_expected_x100", s.week_expected_x100}, {"behind", s.behind}});
      }
    const Tasks& t = tasks[id];
    auto [open, raised] = deviations[id];
    users.push_back({{"user_id", id}, {"name", r.Text(1)}, {"role", r.Text(2)}, {"norms_apply", applies},
                     {"last_action", LastAction(tx, id)},
                     {"tasks", {{"done_today", t.done_today}, {"open_today", t.open_today}, {"overdue", t.overdue}}},
                     {"deviations", {{"open", open}, {"today", raised}}},
                     {"norms", items}, {"behind", behind}});
  }
  json norms_json = NormsToJson(norms);
  norms_json["version"] = stored.version;
  norms_json["default"] = stored.version == 0;
  return {{"now", FormatIso(now)},
          {"day_start", FormatIso(clock.day_start)},
          {"week_start", FormatIso(clock.week_start)},
          {"clock", {{"workday", clock.workday}, {"workdays_before", clock.workdays_before},
                     {"workdays_in_week", clock.workdays_in_week}, {"day_share_permille", clock.day_share_permille}}},
          {"norms", norms_json},
          {"users", users}};
}

}  // namespace voronka::analytics
