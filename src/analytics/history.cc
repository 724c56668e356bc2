#include "analytics/history.h"

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>

#include <nlohmann/json.hpp>

#include "process/definition.h"

namespace voronka::analytics {

namespace {

using std::chrono::milliseconds;

const date::time_zone* Moscow() {
  static const date::time_zone* zone = date::locate_zone("Europe/Moscow");
  return zone;
}

std::optional<date::year_month> ParseMonth(const std::string& month) {
  int y = 0, m = 0;
  char tail = 0;
  if (month.size() != 7 || std::sscanf(month.c_str(), "%4d-%2d%c", &y, &m, &tail) != 2 || y < 2000 || y > 2200 ||
      m < 1 || m > 12)
    return std::nullopt;
  return date::year{y} / date::month{static_cast<unsigned>(m)};
}

TimeMs StartOf(date::year_month ym) {
  auto local = date::local_days{ym / 1};
  return Moscow()->to_sys(local, date::choose::earliest).time_since_epoch().count() * 1000;
}

std::string Format(date::year_month ym) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(ym.year()), static_cast<unsigned>(ym.month()));
  return buf;
}

date::year_month LocalMonth(TimeMs at) {
  auto local = Moscow()->to_local(date::sys_time<milliseconds>{milliseconds{at}});
  date::year_month_day ymd{date::floor<date::days>(local)};
  return ymd.year() / ymd.month();
}

// Audit values are JSON: "\"proposal\"" → proposal.
std::string Unquote(const std::string& s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

}  // namespace

Result<Period> MonthPeriod(const std::string& month) {
  auto ym = ParseMonth(month);
  if (!ym) return Error::Invalid("month", "month must look like 2026-11");
  return Period{StartOf(*ym), StartOf(*ym + date::months{1})};
}

std::string MonthOf(TimeMs at) { return Format(LocalMonth(at)); }

std::string PreviousMonth(const std::string& month) {
  auto ym = ParseMonth(month);
  return ym ? Format(*ym - date::months{1}) : std::string();
}

int DaysInMonth(const std::string& month) {
  auto ym = ParseMonth(month);
  if (!ym) return 30;
  return static_cast<int>(static_cast<unsigned>((ym->year() / ym->month() / date::last).day()));
}

int DayOfMonth(TimeMs at) {
  auto local = Moscow()->to_local(date::sys_time<milliseconds>{milliseconds{at}});
  return static_cast<int>(static_cast<unsigned>(date::year_month_day{date::floor<date::days>(local)}.day()));
}

std::vector<std::string> MainPath(const std::string& pipeline) {
  std::vector<std::string> path;
  const process::Definition* d = process::ShippedDefinition(pipeline);
  if (!d) d = process::ShippedDefinition("it_studio");
  if (!d) return path;
  for (const auto& s : d->stages) {
    if (s.kind == "lost") continue;
    path.push_back(s.code);
    if (s.kind == "won") break;
  }
  return path;
}

std::vector<Reach> LoadReaches(storage::Tx& tx, const std::string& pipeline, Period period) {
  std::vector<Reach> out;
  for (const auto& r : tx.Query("SELECT id, created_at, responsible_id, amount FROM deals WHERE pipeline = ? AND "
                                "created_at >= ? AND created_at < ? ORDER BY id",
                                {pipeline, period.from, period.to}))
    out.push_back({r.Int(0), r.Int(2), "leads", r.Int(1), r.Int(3)});

  std::vector<std::string> path = MainPath(pipeline);
  std::map<std::string, int> index;
  for (size_t i = 0; i < path.size(); ++i) index[path[i]] = static_cast<int>(i);
  // The whole stage history of every card that changed stage in the period, to know what it
  // had reached before.
  auto rows = tx.Query(
      "SELECT a.entity_id, a.at, a.user_id, a.new_value, d.responsible_id, d.amount, a.action FROM audit_log a "
      "JOIN deals d ON d.id = a.entity_id WHERE a.entity = 'deals' AND (a.field = 'stage' OR a.action = 'create') "
      "AND a.at < ? AND d.pipeline = ? AND a.entity_id IN (SELECT entity_id FROM audit_log WHERE entity = 'deals' "
      "AND (field = 'stage' OR action = 'create') AND at >= ? AND at < ?) ORDER BY a.entity_id, a.at, a.id",
      {period.to, pipeline, period.from, period.to});
  int64_t deal = -1;
  int reached = 0;  // the highest main-path index reached so far (0: the first stage, on creation)
  for (const auto& r : rows) {
    if (r.Int(0) != deal) deal = r.Int(0), reached = 0;
    // A card created at a later stage (imported, entered by hand) reached the ones before it.
    std::string stage = Unquote(r.Text(3));
    if (r.Text(6) == "create") {
      auto created = nlohmann::json::parse(r.Text(3), nullptr, false);
      stage = created.is_object() && created.contains("stage") && created["stage"].is_string()
                  ? created["stage"].get<std::string>()
                  : std::string();
    }
    auto it = index.find(stage);
    if (it == index.end() || it->second <= reached) continue;
    TimeMs at = r.Int(1);
    int64_t user = r.IsNull(2) ? r.Int(4) : r.Int(2);
    for (int i = reached + 1; i <= it->second; ++i)
      if (at >= period.from) out.push_back({deal, user, path[i], at, r.Int(5)});
    reached = it->second;
  }
  return out;
}

std::vector<ActivityFact> LoadActivities(storage::Tx& tx, Period period) {
  std::vector<ActivityFact> out;
  for (const auto& r : tx.Query("SELECT author_id, type, occurred_at, goal, next_step, outcome FROM activities "
                                "WHERE archived = 0 AND author_id IS NOT NULL AND occurred_at >= ? AND occurred_at < ?",
                                {period.from, period.to})) {
    auto filled = [&](size_t i) { return !r.IsNull(i) && r.Text(i).find_first_not_of(" \t\r\n") != std::string::npos; };
    out.push_back({r.Int(0), r.Text(1), r.Int(2), filled(3), filled(4), filled(5)});
  }
  return out;
}

std::map<int64_t, UserRow> LoadUsers(storage::Tx& tx) {
  std::map<int64_t, UserRow> out;
  for (const auto& r : tx.Query("SELECT id, name, role, takes_leads, archived FROM users ORDER BY id"))
    out[r.Int(0)] = {r.Int(0), r.Text(1), r.Text(2), r.Int(3) != 0};
  return out;
}

}  // namespace voronka::analytics
