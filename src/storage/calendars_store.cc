#include "storage/calendars_store.h"

#include <map>
#include <mutex>

#include "process/work_time.h"

namespace voronka::storage {

namespace {

struct Parsed {
  explicit Parsed(process::BusinessCalendar c) : calendar(std::move(c)), work_time(calendar) {}
  process::BusinessCalendar calendar;
  process::CalendarWorkTime work_time;  // refers to `calendar`; Parsed never moves (heap, shared)
};

// Stored calendars were validated on the way in; a text that no longer parses (a time zone the
// OS dropped) falls back to the default rather than stopping the department's process.
std::shared_ptr<const Parsed> Parse(const std::string& yaml) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const Parsed>> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(yaml);
  if (it != cache.end()) return it->second;
  auto cal = process::BusinessCalendar::FromYaml(yaml, "calendar");
  std::shared_ptr<const Parsed> parsed = cal.ok() ? std::make_shared<const Parsed>(std::move(cal.value())) : nullptr;
  if (cache.size() > 256) cache.clear();
  cache.emplace(yaml, parsed);
  return parsed;
}

std::shared_ptr<const Parsed> ForUser(Tx& tx, int64_t user_id) {
  auto rows = tx.Query("SELECT t.calendar_yaml FROM users u JOIN teams t ON t.id = u.team_id "
                       "WHERE u.id = ? AND t.calendar_yaml IS NOT NULL",
                       {user_id});
  if (rows.empty()) return nullptr;
  return Parse(rows[0].Text(0));
}

}  // namespace

std::shared_ptr<const process::BusinessCalendar> UserCalendar(Tx& tx, int64_t user_id) {
  auto p = ForUser(tx, user_id);
  return p ? std::shared_ptr<const process::BusinessCalendar>(p, &p->calendar) : nullptr;
}

std::shared_ptr<const process::WorkTime> UserWorkTime(Tx& tx, int64_t user_id) {
  auto p = ForUser(tx, user_id);
  return p ? std::shared_ptr<const process::WorkTime>(p, &p->work_time) : nullptr;
}

Result<std::optional<std::string>> TeamCalendar(Tx& tx, int64_t team_id) {
  auto rows = tx.Query("SELECT calendar_yaml FROM teams WHERE id = ?", {team_id});
  if (rows.empty()) return Error::NotFound("no team with id " + std::to_string(team_id));
  return rows[0].MaybeText(0);
}

Status SetTeamCalendar(Tx& tx, int64_t team_id, const std::optional<std::string>& yaml, const Actor& actor) {
  auto current = TeamCalendar(tx, team_id);
  if (!current.ok()) return current.error();
  if (yaml) {
    auto problems = process::LintCalendar(*yaml, "calendar");
    if (!problems.empty()) {
      Error err = Error::Invalid("calendar", JoinLint(problems));
      nlohmann::json list = nlohmann::json::array();
      for (const auto& m : problems) list.push_back(m.ToString());
      err.extra = {{"problems", list}};
      return err;
    }
  }
  if (current.value() == yaml) return Status::Ok();
  tx.Exec("UPDATE teams SET calendar_yaml = ?, version = version + 1, updated_at = ? WHERE id = ?",
          {OptText(yaml), actor.now, team_id});
  AppendAudit(tx, actor, "teams", team_id, "update", std::string("calendar"),
              current.value() ? nlohmann::json(*current.value()) : nlohmann::json(nullptr),
              yaml ? nlohmann::json(*yaml) : nlohmann::json(nullptr));
  return Status::Ok();
}

}  // namespace voronka::storage
