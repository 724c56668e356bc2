#include "routing/routing_store.h"

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "domain/entity.h"
#include "domain/validate.h"
#include "process/calendar.h"

namespace voronka::routing {

std::vector<std::pair<std::string_view, std::string_view>> EmbeddedRoutingFiles();

namespace {

using nlohmann::json;
using storage::Tx;

constexpr const char* kFile = "routing.yaml";

const process::BusinessCalendar& CalendarOf(const std::optional<std::string>& yaml) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const process::BusinessCalendar>> cache;
  if (!yaml) return process::BusinessCalendar::RussianDefault();
  std::lock_guard lock(mu);
  auto it = cache.find(*yaml);
  if (it == cache.end()) {
    auto cal = process::BusinessCalendar::FromYaml(*yaml, "calendar");
    if (cache.size() > 256) cache.clear();
    it = cache.emplace(*yaml, cal.ok() ? std::make_shared<const process::BusinessCalendar>(std::move(cal.value()))
                                       : nullptr).first;
  }
  return it->second ? *it->second : process::BusinessCalendar::RussianDefault();
}

const process::BusinessCalendar& UserCalendar(Tx& tx, int64_t user_id) {
  auto rows = tx.Query("SELECT t.calendar_yaml FROM users u JOIN teams t ON t.id = u.team_id WHERE u.id = ?", {user_id});
  return CalendarOf(rows.empty() ? std::nullopt : rows[0].MaybeText(0));
}

// The current rules, parsed once per text.
std::shared_ptr<const RuleSet> Rules(Tx& tx) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const RuleSet>> cache;
  std::string yaml = CurrentRules(tx).yaml;
  std::lock_guard lock(mu);
  auto it = cache.find(yaml);
  if (it != cache.end()) return it->second;
  auto parsed = ParseRules(yaml, kFile);
  // Stored rules were checked on the way in; should they stop parsing, nobody is routed by rule.
  auto set = std::make_shared<const RuleSet>(parsed.ok() ? std::move(parsed.value()) : RuleSet{});
  if (cache.size() > 16) cache.clear();
  cache.emplace(yaml, set);
  return set;
}

std::map<std::string, int64_t> Cursors(Tx& tx) {
  // One row everybody who routes updates first: overlapping writers (PostgreSQL) queue here, so
  // each reads the turns the one before it took.
  tx.Exec("INSERT INTO routing_cursors (rule, last_user_id) VALUES ('', 0) ON CONFLICT (rule) DO NOTHING");
  tx.Exec("UPDATE routing_cursors SET last_user_id = last_user_id + 1 WHERE rule = ''");
  std::map<std::string, int64_t> out;
  for (const auto& r : tx.Query("SELECT rule, last_user_id FROM routing_cursors WHERE rule <> ''"))
    out[r.Text(0)] = r.Int(1);
  return out;
}

void SaveCursor(Tx& tx, const std::string& rule, int64_t user_id) {
  tx.Exec("INSERT INTO routing_cursors (rule, last_user_id) VALUES (?, ?) "
          "ON CONFLICT (rule) DO UPDATE SET last_user_id = excluded.last_user_id",
          {rule, user_id});
}

std::string UserName(Tx& tx, int64_t id) {
  auto rows = tx.Query("SELECT name FROM users WHERE id = ?", {id});
  return rows.empty() ? "#" + std::to_string(id) : rows[0].Text(0);
}

TimeMs DueAt(Tx& tx, const Choice& c, TimeMs now) {
  if (!c.off_shift) return now + c.sla_ms;
  TimeMs start = UserCalendar(tx, c.user_id).NextWorkingTime(now);
  return start == process::BusinessCalendar::kNever ? now + c.sla_ms : start + c.sla_ms;
}

std::string Minutes(int64_t ms) {
  if (ms % 60000 == 0) return std::to_string(ms / 60000) + " min";
  return std::to_string(ms / 1000) + " s";
}

void Log(Tx& tx, int64_t deal_id, TimeMs now, const std::string& event, const std::string& text) {
  tx.Exec("INSERT INTO process_log (deal_id, at, user_id, event, effect) VALUES (?, ?, ?, ?, ?)",
          {deal_id, now, storage::Null(), event, text});
}

// The heads of the teams of these users; every head when none of them has one.
std::set<int64_t> HeadsOf(Tx& tx, const std::vector<int64_t>& users) {
  std::set<int64_t> out;
  for (int64_t u : users)
    for (const auto& r : tx.Query("SELECT t.head_id FROM users u JOIN teams t ON t.id = u.team_id "
                                  "WHERE u.id = ? AND t.head_id IS NOT NULL",
                                  {u}))
      out.insert(r.Int(0));
  if (out.empty())
    for (const auto& r : tx.Query("SELECT id FROM users WHERE role = 'head' AND archived = 0 ORDER BY id"))
      out.insert(r.Int(0));
  return out;
}

void Notify(Tx& tx, const std::set<int64_t>& users, int64_t deal_id, const std::string& ru, const std::string& en,
            TimeMs now) {
  for (int64_t u : users)
    tx.Exec("INSERT INTO notifications (user_id, deal_id, kind, message_ru, message_en, created_at) "
            "VALUES (?, ?, 'routing', ?, ?, ?)",
            {u, deal_id, ru, en, now});
}

json Ids(const std::set<int64_t>& ids) {
  json out = json::array();
  for (int64_t id : ids) out.push_back(id);
  return out;
}

// Hands the deal and its open tasks of `from` to `to` (audited as the system).
void Reassign(Tx& tx, int64_t deal_id, int64_t from, int64_t to, TimeMs now) {
  const auto& deals = *domain::FindEntity("deals");
  storage::Actor system{std::nullopt, now};
  auto current = storage::GetRecord(tx, deals, deal_id, now);
  if (!current.ok()) return;
  int64_t version = 0;
  auto values = domain::ValidatePatch(deals, {{"version", current.value()["version"]}, {"responsible_id", to}}, &version);
  if (!values.ok()) throw std::runtime_error(values.error().message);
  auto updated = storage::UpdateRecord(tx, deals, deal_id, version, values.value(), system);
  if (!updated.ok()) throw std::runtime_error(updated.error().message);
  for (const auto& r : tx.Query("SELECT id FROM tasks WHERE deal_id = ? AND assignee_id = ? AND done = 0 AND archived = 0",
                                {deal_id, from})) {
    tx.Exec("UPDATE tasks SET assignee_id = ?, version = version + 1, updated_at = ? WHERE id = ?", {to, now, r.Int(0)});
    storage::AppendAudit(tx, system, "tasks", r.Int(0), "update", std::string("assignee_id"), from, to);
  }
}

// One overdue watch: taken, gone, or re-routed. True when re-routed.
bool SweepOne(Tx& tx, int64_t deal_id, TimeMs now) {
  auto w = tx.Query("SELECT rule, user_id, assigned_at, tried FROM routing_assignments "
                    "WHERE deal_id = ? AND taken_at IS NULL AND closed_at IS NULL AND due_at <= ?",
                    {deal_id, now});
  if (w.empty()) return false;  // handled meanwhile
  std::string rule = w[0].Text(0);
  int64_t user = w[0].Int(1);
  TimeMs assigned_at = w[0].Int(2);
  std::set<int64_t> tried;
  for (const auto& id : json::parse(w[0].Text(3))) tried.insert(id.get<int64_t>());

  auto d = tx.Query("SELECT status, archived, responsible_id, channel, region, product, segment FROM deals WHERE id = ?",
                    {deal_id});
  if (d.empty() || d[0].Text(0) != "open" || d[0].Int(1) != 0 || d[0].MaybeInt(2) != user) {
    // Closed, archived or handed over by hand: nothing left to watch.
    tx.Exec("UPDATE routing_assignments SET closed_at = ? WHERE deal_id = ?", {now, deal_id});
    return false;
  }
  if (TakenSince(tx, deal_id, user, assigned_at)) {
    tx.Exec("UPDATE routing_assignments SET taken_at = ? WHERE deal_id = ?", {now, deal_id});
    return false;
  }
  Lead lead{d[0].Text(3), d[0].Text(4), d[0].Text(5), d[0].Text(6)};
  auto rules = Rules(tx);
  auto candidates = LoadCandidates(tx, now);
  auto cursors = Cursors(tx);
  std::set<int64_t> exclude = tried;
  exclude.insert(user);
  auto next = Choose(*rules, lead, candidates, cursors, exclude);
  if (!next) {  // everyone was tried once: go round again, past the current one
    exclude = {user};
    next = Choose(*rules, lead, candidates, cursors, exclude);
    tried.clear();
  }
  std::string from_name = UserName(tx, user);
  std::string sla = Minutes(now - assigned_at);
  if (!next) {
    tx.Exec("UPDATE routing_assignments SET closed_at = ? WHERE deal_id = ?", {now, deal_id});
    Log(tx, deal_id, now, "routing sla",
        "not taken by " + from_name + " within the SLA of rule " + rule + "; nobody else to route to");
    Notify(tx, HeadsOf(tx, {user}), deal_id,
           "Заявку не взяли в работу вовремя (" + from_name + "), передать некому",
           "The lead was not taken in time (" + from_name + ") and there is nobody else to route it to", now);
    return false;
  }
  SaveCursor(tx, next->rule, next->user_id);
  Reassign(tx, deal_id, user, next->user_id, now);
  std::string to_name = UserName(tx, next->user_id);
  tried.insert(user);
  tried.insert(next->user_id);
  TimeMs due = DueAt(tx, *next, now);
  tx.Exec("UPDATE routing_assignments SET rule = ?, user_id = ?, assigned_at = ?, due_at = ?, tried = ? WHERE deal_id = ?",
          {next->rule, next->user_id, now, due, Ids(tried).dump(), deal_id});
  Log(tx, deal_id, now, "routing reroute",
      "re-routed from " + from_name + " to " + to_name + " by rule " + next->rule + ": not taken within " +
          Minutes(now - assigned_at) + " (rule " + rule + "); take by " + FormatIso(due));
  std::set<int64_t> heads = HeadsOf(tx, {user, next->user_id});
  Notify(tx, heads, deal_id,
         "Заявку не взяли за " + Minutes(now - assigned_at) + ": " + from_name + " → " + to_name + " (правило " +
             next->rule + ")",
         "Lead not taken within " + Minutes(now - assigned_at) + ": " + from_name + " → " + to_name + " (rule " +
             next->rule + ")",
         now);
  Notify(tx, {next->user_id}, deal_id, "Вам передана заявка: возьмите её в работу",
         "A lead was passed to you: take it into work", now);
  return true;
}

const std::set<std::string>& Kinds() {
  static const std::set<std::string> k = {"vacation", "sick_leave"};
  return k;
}

json AbsenceJson(const storage::Row& r) {
  return {{"id", r.Int(0)},
          {"user_id", r.Int(1)},
          {"user_name", r.Text(2)},
          {"kind", r.Text(3)},
          {"starts_at", FormatIso(r.Int(4))},
          {"ends_at", FormatIso(r.Int(5))},
          {"stand_in_id", r.Int(6)},
          {"stand_in_name", r.Text(7)},
          {"note", r.IsNull(8) ? json() : json(r.Text(8))},
          {"state", r.Text(9)},
          {"moved_tasks", r.Int(10)}};
}

constexpr const char* kAbsenceSelect =
    "SELECT a.id, a.user_id, u.name, a.kind, a.starts_at, a.ends_at, a.stand_in_id, s.name, a.note, a.state, "
    "(SELECT COUNT(*) FROM absence_tasks x WHERE x.absence_id = a.id) "
    "FROM absences a JOIN users u ON u.id = a.user_id JOIN users s ON s.id = a.stand_in_id ";

// Moves the absent person's open tasks (not moved before) to the stand-in.
int HandOver(Tx& tx, int64_t absence, int64_t user, int64_t stand_in, TimeMs now) {
  int moved = 0;
  storage::Actor system{std::nullopt, now};
  for (const auto& r : tx.Query("SELECT id FROM tasks WHERE assignee_id = ? AND done = 0 AND archived = 0 AND id NOT IN "
                                "(SELECT task_id FROM absence_tasks WHERE absence_id = ?)",
                                {user, absence})) {
    int64_t task = r.Int(0);
    tx.Exec("INSERT INTO absence_tasks (absence_id, task_id, original_assignee_id) VALUES (?, ?, ?)",
            {absence, task, user});
    tx.Exec("UPDATE tasks SET assignee_id = ?, version = version + 1, updated_at = ? WHERE id = ?", {stand_in, now, task});
    storage::AppendAudit(tx, system, "tasks", task, "update", std::string("assignee_id"), user, stand_in);
    ++moved;
  }
  return moved;
}

// Gives back the tasks still with the stand-in and not done.
int GiveBack(Tx& tx, int64_t absence, int64_t stand_in, TimeMs now) {
  int moved = 0;
  storage::Actor system{std::nullopt, now};
  for (const auto& r : tx.Query("SELECT x.task_id, x.original_assignee_id FROM absence_tasks x JOIN tasks t ON "
                                "t.id = x.task_id WHERE x.absence_id = ? AND t.assignee_id = ? AND t.done = 0 "
                                "AND t.archived = 0",
                                {absence, stand_in})) {
    tx.Exec("UPDATE tasks SET assignee_id = ?, version = version + 1, updated_at = ? WHERE id = ?",
            {r.Int(1), now, r.Int(0)});
    storage::AppendAudit(tx, system, "tasks", r.Int(0), "update", std::string("assignee_id"), stand_in, r.Int(1));
    ++moved;
  }
  return moved;
}

}  // namespace

const std::string& DefaultRulesYaml() {
  static const std::string yaml = [] {
    for (const auto& [name, text] : EmbeddedRoutingFiles())
      if (name == "it_studio.yaml") return std::string(text);
    throw std::logic_error("processes/routing/it_studio.yaml is not compiled in");
  }();
  return yaml;
}

RulesText CurrentRules(Tx& tx) {
  auto rows = tx.Query("SELECT yaml, updated_at FROM routing_config WHERE id = 1");
  if (rows.empty()) return {DefaultRulesYaml(), true, std::nullopt};
  return {rows[0].Text(0), false, rows[0].Int(1)};
}

Status SetRules(Tx& tx, const std::optional<std::string>& yaml, const storage::Actor& actor) {
  if (!yaml) {
    tx.Exec("DELETE FROM routing_config WHERE id = 1");
    storage::AppendAudit(tx, actor, "routing", 1, "update", std::string("yaml"), nullptr, nullptr);
    return Status::Ok();
  }
  auto problems = LintRules(*yaml, kFile);
  if (problems.empty()) {
    // Names must exist: a typo in an e-mail would silently empty a group.
    auto set = ParseRules(*yaml, kFile).value();
    std::set<std::pair<int, int>> seen;
    for (const auto& rule : set.rules) {
      const auto& s = rule.to;
      for (size_t i = 0; i < s.users.size(); ++i) {
        const std::string& u = s.users[i];
        bool numeric = u.find_first_not_of("0123456789") == std::string::npos;
        auto rows = numeric ? tx.Query("SELECT id FROM users WHERE id = ? AND archived = 0", {std::stoll(u)})
                            : tx.Query("SELECT id FROM users WHERE LOWER(email) = LOWER(?) AND archived = 0", {u});
        if (rows.empty() && seen.insert(s.user_marks[i]).second)
          problems.push_back({kFile, s.user_marks[i].first, s.user_marks[i].second, "no active user '" + u + "'"});
      }
      if (s.team) {
        bool numeric = s.team->find_first_not_of("0123456789") == std::string::npos;
        auto rows = numeric ? tx.Query("SELECT id FROM teams WHERE id = ?", {std::stoll(*s.team)})
                            : tx.Query("SELECT id FROM teams WHERE name = ? AND archived = 0", {*s.team});
        if (rows.empty() && seen.insert({s.line, s.column}).second)
          problems.push_back({kFile, s.line, s.column, "no team '" + *s.team + "'"});
      }
    }
  }
  if (!problems.empty()) {
    Error err = Error::Invalid("routing", JoinLint(problems));
    json list = json::array();
    for (const auto& m : problems) list.push_back({{"line", m.line}, {"column", m.column}, {"message", m.message},
                                                   {"text", m.ToString()}});
    err.extra = {{"problems", list}};
    return err;
  }
  auto before = CurrentRules(tx);
  tx.Exec("INSERT INTO routing_config (id, yaml, updated_at, updated_by) VALUES (1, ?, ?, ?) "
          "ON CONFLICT (id) DO UPDATE SET yaml = excluded.yaml, updated_at = excluded.updated_at, "
          "updated_by = excluded.updated_by",
          {*yaml, actor.now, storage::OptInt(actor.user_id)});
  storage::AppendAudit(tx, actor, "routing", 1, "update", std::string("yaml"),
                       before.is_default ? json(nullptr) : json(before.yaml), *yaml);
  return Status::Ok();
}

std::vector<Candidate> LoadCandidates(Tx& tx, TimeMs now) {
  std::set<int64_t> absent;
  for (const auto& r : tx.Query("SELECT user_id FROM absences WHERE starts_at <= ? AND ends_at > ?", {now, now}))
    absent.insert(r.Int(0));
  std::vector<Candidate> out;
  for (const auto& r : tx.Query(
           "SELECT u.id, u.email, u.team_id, t.name, u.role, u.takes_leads, COALESCE(d.n, 0), t.calendar_yaml "
           "FROM users u LEFT JOIN teams t ON t.id = u.team_id "
           "LEFT JOIN (SELECT responsible_id, COUNT(*) AS n FROM deals WHERE status = 'open' AND archived = 0 "
           "GROUP BY responsible_id) d ON d.responsible_id = u.id "
           "WHERE u.archived = 0 ORDER BY u.id")) {
    Candidate c;
    c.id = r.Int(0);
    c.email = r.Text(1);
    c.team_id = r.MaybeInt(2);
    c.team_name = r.Text(3);
    c.role = r.Text(4);
    c.takes_leads = r.Int(5) != 0;
    c.open_deals = r.Int(6);
    c.on_shift = CalendarOf(r.MaybeText(7)).IsWorkingTime(now);
    c.absent = absent.count(c.id) > 0;
    out.push_back(std::move(c));
  }
  return out;
}

std::optional<Choice> RouteLead(Tx& tx, const Lead& lead, TimeMs now, const std::set<int64_t>& exclude) {
  auto rules = Rules(tx);
  auto cursors = Cursors(tx);
  auto choice = Choose(*rules, lead, LoadCandidates(tx, now), cursors, exclude);
  if (choice) SaveCursor(tx, choice->rule, choice->user_id);
  return choice;
}

void RecordAssignment(Tx& tx, int64_t deal_id, const Choice& choice, TimeMs now) {
  TimeMs due = DueAt(tx, choice, now);
  tx.Exec("INSERT INTO routing_assignments (deal_id, rule, user_id, assigned_at, due_at, tried) VALUES (?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (deal_id) DO UPDATE SET rule = excluded.rule, user_id = excluded.user_id, "
          "assigned_at = excluded.assigned_at, due_at = excluded.due_at, tried = excluded.tried, taken_at = NULL, "
          "closed_at = NULL",
          {deal_id, choice.rule, choice.user_id, now, due, Ids({choice.user_id}).dump()});
  Log(tx, deal_id, now, "routing assign",
      "assigned to " + UserName(tx, choice.user_id) + " by rule " + choice.rule +
          (choice.off_shift ? " (nobody on shift: from the start of their shift)" : "") + "; take by " +
          FormatIso(due));
}

bool TakenSince(Tx& tx, int64_t deal_id, int64_t user_id, TimeMs since) {
  auto rows = tx.Query(
      "SELECT 1 FROM audit_log WHERE user_id = ? AND at >= ? AND ((entity = 'deals' AND entity_id = ?) OR "
      "(entity = 'tasks' AND entity_id IN (SELECT id FROM tasks WHERE deal_id = ?)) OR "
      "(entity = 'activities' AND entity_id IN (SELECT id FROM activities WHERE deal_id = ?))) "
      "UNION ALL SELECT 1 FROM process_log WHERE deal_id = ? AND user_id = ? AND at >= ? "
      "UNION ALL SELECT 1 FROM activities WHERE deal_id = ? AND author_id = ? AND created_at >= ? AND archived = 0",
      {user_id, since, deal_id, deal_id, deal_id, deal_id, user_id, since, deal_id, user_id, since});
  return !rows.empty();
}

int SweepSla(storage::Database& db, TimeMs now) {
  std::vector<int64_t> due;
  {
    auto tx = db.Begin(storage::TxMode::kRead);
    for (const auto& r : tx->Query("SELECT deal_id FROM routing_assignments WHERE taken_at IS NULL AND closed_at IS NULL "
                                   "AND due_at <= ? ORDER BY due_at, deal_id LIMIT 500",
                                   {now}))
      due.push_back(r.Int(0));
  }
  int rerouted = 0;
  for (int64_t deal : due) {
    db.Write([&](Tx& tx) {
      bool moved = SweepOne(tx, deal, now);
      tx.Commit();
      if (moved) ++rerouted;
    });
  }
  return rerouted;
}

Result<AbsenceInput> ParseAbsence(const json& body, int64_t default_user) {
  if (!body.is_object()) return Error::Invalid("", "request body must be a JSON object");
  static const char* known[] = {"user_id", "kind", "starts_at", "ends_at", "stand_in_id", "note"};
  for (auto& [k, v] : body.items())
    if (std::none_of(std::begin(known), std::end(known), [&](const char* n) { return k == n; }))
      return Error::Invalid(k, "unknown field '" + k + "' for an absence");
  AbsenceInput in;
  in.user_id = default_user;
  auto id = [&](const char* field, bool required, int64_t* out) -> Status {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) {
      if (required) return Error::Invalid(field, std::string(field) + " is required: the user id");
      return Status::Ok();
    }
    if (!it->is_number_integer() || it->get<int64_t>() <= 0)
      return Error::Invalid(field, std::string(field) + " must be a user id");
    *out = it->get<int64_t>();
    return Status::Ok();
  };
  if (auto s = id("user_id", false, &in.user_id); !s.ok()) return s.error();
  if (auto s = id("stand_in_id", true, &in.stand_in_id); !s.ok()) return s.error();
  auto kind = body.find("kind");
  if (kind == body.end() || !kind->is_string() || !Kinds().count(kind->get<std::string>()))
    return Error::Invalid("kind", "kind must be vacation or sick_leave");
  in.kind = kind->get<std::string>();
  for (const char* field : {"starts_at", "ends_at"}) {
    auto it = body.find(field);
    std::optional<TimeMs> t;
    if (it != body.end() && it->is_string()) t = ParseIso(it->get<std::string>());
    if (!t) return Error::Invalid(field, std::string(field) + " must be a date (YYYY-MM-DD) or an ISO 8601 date-time");
    (std::string(field) == "starts_at" ? in.starts_at : in.ends_at) = *t;
  }
  if (in.ends_at <= in.starts_at) return Error::Invalid("ends_at", "ends_at must be after starts_at");
  if (in.ends_at - in.starts_at > 366LL * 24 * 3600 * 1000)
    return Error::Invalid("ends_at", "an absence can last at most a year");
  if (in.stand_in_id == in.user_id) return Error::Invalid("stand_in_id", "the stand-in must be someone else");
  if (auto it = body.find("note"); it != body.end() && !it->is_null()) {
    if (!it->is_string() || it->get<std::string>().size() > 1000)
      return Error::Invalid("note", "note must be a text of at most 1000 bytes");
    in.note = it->get<std::string>();
  }
  return in;
}

Result<json> CreateAbsence(Tx& tx, const AbsenceInput& in, const storage::Actor& actor) {
  for (auto [field, id] : {std::pair{"user_id", in.user_id}, std::pair{"stand_in_id", in.stand_in_id}}) {
    if (tx.Query("SELECT id FROM users WHERE id = ? AND archived = 0", {id}).empty())
      return Error::Unprocessable(field, "no active user with id " + std::to_string(id));
  }
  auto overlap = tx.Query("SELECT id FROM absences WHERE user_id = ? AND starts_at < ? AND ends_at > ?",
                          {in.user_id, in.ends_at, in.starts_at});
  if (!overlap.empty())
    return Error::Conflict("this person already has an absence in that period (absence " +
                           std::to_string(overlap[0].Int(0)) + ")");
  auto rows = tx.Query("INSERT INTO absences (user_id, kind, starts_at, ends_at, stand_in_id, note, created_by, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                       {in.user_id, in.kind, in.starts_at, in.ends_at, in.stand_in_id, storage::OptText(in.note),
                        storage::OptInt(actor.user_id), actor.now});
  int64_t id = rows[0].Int(0);
  storage::AppendAudit(tx, actor, "absences", id, "create", std::nullopt, nullptr,
                       {{"user_id", in.user_id}, {"kind", in.kind}, {"stand_in_id", in.stand_in_id}});
  ApplyAbsences(tx, actor.now);
  return GetAbsence(tx, id);
}

std::vector<json> ListAbsences(Tx& tx, const std::optional<std::vector<int64_t>>& users, TimeMs from) {
  std::vector<json> out;
  std::set<int64_t> allowed;
  if (users) allowed.insert(users->begin(), users->end());
  for (const auto& r : tx.Query(std::string(kAbsenceSelect) + "WHERE a.ends_at > ? ORDER BY a.starts_at, a.id", {from})) {
    if (users && !allowed.count(r.Int(1)) && !allowed.count(r.Int(6))) continue;
    out.push_back(AbsenceJson(r));
  }
  return out;
}

Result<json> GetAbsence(Tx& tx, int64_t id) {
  auto rows = tx.Query(std::string(kAbsenceSelect) + "WHERE a.id = ?", {id});
  if (rows.empty()) return Error::NotFound("no absence with id " + std::to_string(id));
  return AbsenceJson(rows[0]);
}

Status DeleteAbsence(Tx& tx, int64_t id, const storage::Actor& actor) {
  auto rows = tx.Query("SELECT stand_in_id, state FROM absences WHERE id = ?", {id});
  if (rows.empty()) return Error::NotFound("no absence with id " + std::to_string(id));
  if (rows[0].Text(1) == "active") GiveBack(tx, id, rows[0].Int(0), actor.now);
  tx.Exec("DELETE FROM absence_tasks WHERE absence_id = ?", {id});
  tx.Exec("DELETE FROM absences WHERE id = ?", {id});
  storage::AppendAudit(tx, actor, "absences", id, "delete", std::nullopt, nullptr, nullptr);
  return Status::Ok();
}

int ApplyAbsences(Tx& tx, TimeMs now) {
  int moved = 0;
  for (const auto& r : tx.Query("SELECT id, user_id, stand_in_id, state, ends_at FROM absences WHERE "
                                "(state = 'planned' AND starts_at <= ?) OR state = 'active' ORDER BY id",
                                {now})) {
    int64_t id = r.Int(0), user = r.Int(1), stand_in = r.Int(2);
    bool over = r.Int(4) <= now;
    if (over) {
      if (r.Text(3) == "active") moved += GiveBack(tx, id, stand_in, now);
      tx.Exec("UPDATE absences SET state = 'ended' WHERE id = ?", {id});
      continue;
    }
    if (r.Text(3) == "planned") tx.Exec("UPDATE absences SET state = 'active' WHERE id = ?", {id});
    moved += HandOver(tx, id, user, stand_in, now);
  }
  return moved;
}

int SweepAbsences(storage::Database& db, TimeMs now) {
  {
    auto tx = db.Begin(storage::TxMode::kRead);
    // Work only when an absence starts or ends, or the absent person got a task meanwhile.
    if (tx->Query("SELECT 1 FROM absences a WHERE (a.state = 'planned' AND a.starts_at <= ?) OR (a.state = 'active' "
                  "AND (a.ends_at <= ? OR EXISTS (SELECT 1 FROM tasks t WHERE t.assignee_id = a.user_id AND t.done = 0 "
                  "AND t.archived = 0 AND t.id NOT IN (SELECT task_id FROM absence_tasks x WHERE x.absence_id = a.id))))",
                  {now, now})
            .empty())
      return 0;
  }
  int moved = 0;
  db.Write([&](Tx& tx) {
    moved = ApplyAbsences(tx, now);
    tx.Commit();
  });
  return moved;
}

}  // namespace voronka::routing
