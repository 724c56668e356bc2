#include "storage/process_store.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>

#include "domain/entity.h"
#include "domain/validate.h"
#include "process/replay.h"
#include "storage/calendars_store.h"
#include "storage/definitions_store.h"

namespace voronka::storage {

using nlohmann::json;
using process::Decision;
namespace fx = process::effects;

namespace {

const domain::EntitySpec& Deals() { return *domain::FindEntity("deals"); }
const domain::EntitySpec& Tasks() { return *domain::FindEntity("tasks"); }

// One query reads everything the process needs of a deal.
constexpr const char* kDealSelect =
    "SELECT id, version, pipeline, stage, status, responsible_id, process_state, process_version, "
    "channel, score, segment, amount, product, region, lost_reason, decision_date FROM deals";
// The deal's own fields the process conditions may read (columns 8… of kDealSelect).
const char* kDealFields[] = {"channel", "score", "segment", "amount", "product", "region", "lost_reason",
                             "decision_date"};
constexpr size_t kFirstField = 8;
// The columns a process event may change. None of them is part of the deal's search text,
// so the lean update below leaves search_text as it is (process_store_test checks this).
const char* kProcessColumns[] = {"stage", "status", "score", "segment", "lost_reason"};

// Users behind a role for this deal.
const std::vector<int64_t>& UsersFor(Tx& tx, const std::string& role, const DealProcess& d, ProcessWriteCache& cache) {
  auto key = std::make_pair(role, d.responsible_id.value_or(0));
  auto it = cache.users.find(key);
  if (it != cache.users.end()) return it->second;
  std::vector<int64_t> out;
  if (role == "responsible") {
    if (d.responsible_id) out.push_back(*d.responsible_id);
  } else if (role == "head") {
    if (d.responsible_id) {
      auto rows = tx.Query(
          "SELECT t.head_id FROM users u JOIN teams t ON t.id = u.team_id WHERE u.id = ? AND t.head_id IS NOT NULL",
          {*d.responsible_id});
      for (const auto& r : rows) out.push_back(r.Int(0));
    }
    if (out.empty())
      for (const auto& r : tx.Query("SELECT id FROM users WHERE role = 'head' AND archived = 0 ORDER BY id"))
        out.push_back(r.Int(0));
  }
  return cache.users.emplace(key, std::move(out)).first->second;
}

// Who reads `user`'s notices at `now`: the stand-in of an absence in force (vacation, sick
// leave; see routing), else the user. Tasks are not redirected here: the absence hands them
// over and back itself.
int64_t ReaderOf(Tx& tx, int64_t user, TimeMs now, ProcessWriteCache& cache) {
  auto it = cache.stand_ins.find(user);
  if (it != cache.stand_ins.end()) return it->second;
  auto rows = tx.Query("SELECT stand_in_id FROM absences WHERE user_id = ? AND state IN ('planned', 'active') "
                       "AND starts_at <= ? AND ends_at > ? ORDER BY starts_at DESC LIMIT 1",
                       {user, now, now});
  return cache.stand_ins.emplace(user, rows.empty() ? user : rows[0].Int(0)).first->second;
}

void Notify(Tx& tx, const DealProcess& d, const std::vector<std::string>& roles, const std::string& kind,
            const process::Text& message, TimeMs now, ProcessWriteCache& cache, ProcessRows& rows) {
  std::set<int64_t> users;
  for (const auto& role : roles)
    for (int64_t u : UsersFor(tx, role, d, cache)) users.insert(ReaderOf(tx, u, now, cache));
  for (int64_t u : users) rows.notifications.Add({u, d.deal_id, kind, message.ru, message.en, now});
}

// A deal row (kDealSelect) → the card as the engine sees it, with the definition it runs under.
Result<DealProcess> FromRow(Tx& tx, const Row& r, ProcessWriteCache& cache) {
  DealProcess p;
  p.deal_id = r.Int(0);
  p.version = r.Int(1);
  p.pipeline = r.Text(2);
  p.responsible_id = r.MaybeInt(5);
  std::optional<int> pinned;
  if (!r.IsNull(7)) pinned = static_cast<int>(r.Int(7));
  auto key = std::make_pair(p.pipeline, pinned.value_or(0));
  auto found = cache.definitions.find(key);
  if (found == cache.definitions.end()) {
    auto def = GetDefinition(tx, p.pipeline, pinned);
    int version = pinned.value_or(def ? LatestDefinitionVersion(tx, p.pipeline).value_or(1) : 0);
    found = cache.definitions.emplace(key, std::make_pair(def, version)).first;
  }
  p.definition = found->second.first;
  p.process_version = found->second.second;
  if (!p.definition)
    return Error::Unprocessable("pipeline", "deal " + std::to_string(p.deal_id) + " is in pipeline '" + p.pipeline +
                                                "', which has no process definition");
  if (!r.IsNull(6)) p.state = process::CardState::FromJson(json::parse(r.Text(6), nullptr, false));
  if (p.state.stage.empty()) {
    p.state.stage = r.Text(3);
    p.state.status = r.Text(4);
  }
  p.columns = {{"stage", r.Text(3)}, {"status", r.Text(4)}};
  for (size_t i = 0; i < std::size(kDealFields); ++i) {
    size_t col = kFirstField + i;
    std::string f = kDealFields[i];
    json v = nullptr;
    if (!r.IsNull(col)) {
      const auto* spec = Deals().Find(f);
      if (spec->type == domain::FieldType::kString || spec->type == domain::FieldType::kEnum) v = r.Text(col);
      else v = r.Int(col);
    }
    if (f == "score" || f == "segment" || f == "lost_reason") p.columns[f] = v;
    if (!v.is_null()) p.state.fields[f] = v;
  }
  p.state.fields["status"] = p.state.status;
  return p;
}

Result<DealProcess> LoadOne(Tx& tx, int64_t deal_id, ProcessWriteCache& cache) {
  auto rows = tx.Query(std::string(kDealSelect) + " WHERE id = ?", {deal_id});
  if (rows.empty()) return Error::NotFound("no deal with id " + std::to_string(deal_id));
  return FromRow(tx, rows[0], cache);
}

const process::WorkTime& WorkTimeFor(Tx& tx, const DealProcess& p, const process::WorkTime& fallback,
                                     ProcessWriteCache& cache) {
  if (!p.responsible_id) return fallback;
  auto it = cache.calendars.find(*p.responsible_id);
  if (it == cache.calendars.end()) it = cache.calendars.emplace(*p.responsible_id, UserWorkTime(tx, *p.responsible_id)).first;
  return it->second ? *it->second : fallback;
}

// A task the engine made, written directly: the same row and audit entry CreateRecord makes for
// it, without re-checking references that hold by construction (the deal being written, a user
// a role resolved to). process_store_test compares the two.
void InsertProcessTask(Tx& tx, const fx::CreateTask& x, int64_t deal_id, std::optional<int64_t> assignee,
                       const Actor& actor, ProcessRows& rows) {
  std::string search = RecordSearchText(Tasks(), {{"title", x.title.ru}});
  std::vector<Value> params = {actor.now, actor.now, search, x.title.ru, deal_id, OptInt(assignee),
                               OptInt(actor.user_id), x.due_at, x.code};
  const char* insert =
      "INSERT INTO tasks (version, created_at, updated_at, archived, search_text, title, deal_id, assignee_id, "
      "author_id, due_at, done, kind) VALUES (1, ?, ?, 0, ?, ?, ?, ?, ?, ?, 0, ?)";
  int64_t id = 0;
  if (tx.dialect() == Dialect::kSqlite) {
    // Without RETURNING, which in SQLite journals every page the statement touches.
    tx.Exec(insert, params);
    id = tx.Query("SELECT last_insert_rowid()")[0].Int(0);
  } else {
    id = tx.Query(std::string(insert) + " RETURNING id", params)[0].Int(0);
  }
  std::string at = FormatIso(actor.now);
  json created = {{"id", id},
                  {"version", 1},
                  {"created_at", at},
                  {"updated_at", at},
                  {"archived", false},
                  {"title", x.title.ru},
                  {"deal_id", deal_id},
                  {"assignee_id", assignee ? json(*assignee) : json(nullptr)},
                  {"author_id", actor.user_id ? json(*actor.user_id) : json(nullptr)},
                  {"due_at", FormatIso(x.due_at)},
                  {"done", false},
                  {"done_at", nullptr},
                  {"kind", x.code},
                  {"description", nullptr},
                  {"overdue", x.due_at < actor.now}};
  rows.audit.Add(AuditRow(actor, "tasks", id, "create", std::nullopt, nullptr, created));
}

}  // namespace

ProcessRows::ProcessRows()
    : log("process_log", "deal_id, at, user_id, event, effect, event_data", 6),
      audit("audit_log", kAuditColumns, 8),
      notifications("notifications", "user_id, deal_id, kind, message_ru, message_en, created_at", 6),
      deviations("deviations", "deal_id, code, user_id, message_ru, message_en, created_at", 6) {}

void ProcessRows::Undo(const Mark& m) {
  log.Truncate(m.log);
  audit.Truncate(m.audit);
  notifications.Truncate(m.notifications);
  deviations.Truncate(m.deviations);
}

void ProcessRows::Flush(Tx& tx) {
  log.Flush(tx);
  audit.Flush(tx);
  notifications.Flush(tx);
  deviations.Flush(tx);
}

Result<DealProcess> LoadDealProcess(Tx& tx, int64_t deal_id) {
  ProcessWriteCache cache;
  return LoadOne(tx, deal_id, cache);
}

std::map<int64_t, Result<DealProcess>> LoadDealProcesses(Tx& tx, const std::vector<int64_t>& ids,
                                                         ProcessWriteCache& cache) {
  std::map<int64_t, Result<DealProcess>> out;
  for (size_t from = 0; from < ids.size(); from += 500) {
    std::string list;
    for (size_t i = from; i < std::min(ids.size(), from + 500); ++i)
      list += (list.empty() ? "" : ",") + std::to_string(ids[i]);
    for (const auto& r : tx.Query(std::string(kDealSelect) + " WHERE id IN (" + list + ")"))
      out.emplace(r.Int(0), FromRow(tx, r, cache));
  }
  return out;
}

Status ApplyDecision(Tx& tx, DealProcess& p, const process::Event& event, const Decision& decision,
                     const Actor& actor, ProcessWriteCache& cache, ProcessRows* buffered) {
  ProcessRows own;
  ProcessRows& rows = buffered ? *buffered : own;
  const process::CardState& s = decision.state;
  int64_t deal_id = p.deal_id;

  // Everything that can be refused is worked out before the first write.
  json after = p.columns;
  after["stage"] = s.stage;
  after["status"] = s.status;
  for (const auto& e : decision.effects)
    if (auto x = std::get_if<fx::SetField>(&e); x && x->field == "lost_reason") after["lost_reason"] = x->value;
  if (s.fields.contains("score") && s.fields["score"].is_number_integer()) after["score"] = s.fields["score"];
  if (s.fields.contains("segment") && (s.fields["segment"].is_string() || s.fields["segment"].is_null()))
    after["segment"] = s.fields["segment"];
  std::vector<std::pair<std::string, json>> changed;
  for (const char* c : kProcessColumns) {
    if (after[c] == p.columns[c]) continue;
    if (!domain::ValidateField(*Deals().Find(c), after[c]).ok()) continue;  // not a value the deal can hold
    changed.emplace_back(c, after[c]);
  }
  for (const auto& e : decision.effects)
    if (auto x = std::get_if<fx::CreateTask>(&e); x && x->title.ru.size() > 500)
      return Error::Unprocessable("title", "process task " + x->code + " has a title over 500 bytes");

  // The deal follows the card; its version guards against a change made meanwhile.
  std::string sets = "process_state = ?, process_version = ?";
  std::vector<Value> params = {s.ToJson().dump(), int64_t(p.process_version)};
  if (!changed.empty()) {
    sets += ", version = version + 1, updated_at = ?";
    params.push_back(actor.now);
    for (const auto& [c, v] : changed) {
      sets += ", " + c + " = ?";
      params.push_back(v.is_null() ? Null() : v.is_number_integer() ? Value(v.get<int64_t>()) : Value(v.get<std::string>()));
      if (c == "stage") {
        sets += ", stage_changed_at = ?";
        params.push_back(actor.now);
      } else if (c == "status") {
        sets += ", closed_at = ?";
        params.push_back(v == "open" ? Null() : Value(actor.now));
      }
    }
  }
  params.push_back(deal_id);
  params.push_back(p.version);
  if (tx.Exec("UPDATE deals SET " + sets + " WHERE id = ? AND version = ?", params) == 0)
    return Error::Conflict("deal " + std::to_string(deal_id) + " was changed concurrently");
  for (const auto& [c, v] : changed) {
    rows.audit.Add(AuditRow(actor, "deals", deal_id, "update", c, p.columns[c], v));
    p.columns[c] = v;
  }
  if (!changed.empty()) ++p.version;
  p.state = s;

  std::string log;
  for (const auto& e : decision.effects) {
    std::string line = process::Describe(e);
    std::replace(line.begin(), line.end(), '\n', ' ');  // a message from YAML may span lines
    if (!log.empty()) log += '\n';
    log += line;
    if (auto x = std::get_if<fx::CreateTask>(&e)) {
      const auto& assignees = UsersFor(tx, x->assignee, p, cache);
      InsertProcessTask(tx, *x, deal_id, assignees.empty() ? std::nullopt : std::optional(assignees.front()), actor,
                        rows);
    } else if (auto x = std::get_if<fx::SetTimer>(&e)) {
      tx.Exec("DELETE FROM process_timers WHERE deal_id = ? AND code = ?", {deal_id, x->code});
      tx.Exec("INSERT INTO process_timers (deal_id, code, fires_at) VALUES (?, ?, ?)", {deal_id, x->code, x->at});
    } else if (auto x = std::get_if<fx::CancelTimer>(&e)) {
      tx.Exec("DELETE FROM process_timers WHERE deal_id = ? AND code = ?", {deal_id, x->code});
    } else if (auto x = std::get_if<fx::CloseTask>(&e)) {
      // Done when the card moved on past it; dropped (archived) when the card closed.
      const char* field = x->completed ? "done" : "archived";
      for (const auto& r : tx.Query("SELECT id FROM tasks WHERE deal_id = ? AND kind = ? AND done = 0 AND archived = 0",
                                    {deal_id, x->code})) {
        if (x->completed)
          tx.Exec("UPDATE tasks SET done = 1, done_at = ?, version = version + 1, updated_at = ? WHERE id = ?",
                  {actor.now, actor.now, r.Int(0)});
        else
          tx.Exec("UPDATE tasks SET archived = 1, version = version + 1, updated_at = ? WHERE id = ?",
                  {actor.now, r.Int(0)});
        rows.audit.Add(AuditRow(actor, "tasks", r.Int(0), x->completed ? "update" : "archive",
                                x->completed ? std::optional<std::string>(field) : std::nullopt, false, true));
      }
    } else if (auto x = std::get_if<fx::Notify>(&e)) {
      Notify(tx, p, x->roles, "notice", x->message, actor.now, cache, rows);
    } else if (auto x = std::get_if<fx::Deviation>(&e)) {
      rows.deviations.Add({deal_id, x->code, OptInt(p.responsible_id), x->message.ru, x->message.en, actor.now});
      Notify(tx, p, x->notify, "deviation", x->message, actor.now, cache, rows);
    } else if (auto x = std::get_if<fx::SendEmail>(&e)) {
      tx.Exec("INSERT INTO outbox (kind, deal_id, payload, created_at, next_attempt_at) VALUES ('email', ?, ?, ?, ?)",
              {deal_id, json{{"template", x->template_code}, {"to", x->to}}.dump(), actor.now, actor.now});
    } else if (auto x = std::get_if<fx::AddMembers>(&e)) {
      // Roles that are users here (the head) join the working group; the others are asked of the head.
      std::vector<std::string> to_pick;
      for (const auto& role : x->roles) {
        if (role == "head") {
          for (int64_t u : UsersFor(tx, "head", p, cache))
            tx.Exec("INSERT INTO deal_members (deal_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING", {deal_id, u});
        } else {
          to_pick.push_back(role);
        }
      }
      if (!to_pick.empty()) {
        std::string roles;
        for (const auto& r : to_pick) roles += (roles.empty() ? "" : ", ") + r;
        Notify(tx, p, {"head"}, "working_group",
               {"Сформируйте рабочую группу по сделке: " + roles, "Form the deal's working group: " + roles}, actor.now,
               cache, rows);
      }
    }
  }
  // Every event is logged with its data, also one without effects: the history a changed
  // pipeline can be replayed on (process/replay.h).
  rows.log.Add({deal_id, actor.now, OptInt(actor.user_id), process::LogName(event), log,
                event.fields.empty() ? Null() : Value(event.fields.dump())});
  if (!buffered) rows.Flush(tx);
  return Status::Ok();
}

Result<Decision> RunProcessEvent(Tx& tx, int64_t deal_id, const process::Event& event,
                                 std::optional<int64_t> expected_version, const Actor& actor,
                                 const process::WorkTime& work_time) {
  ProcessWriteCache cache;
  auto loaded = LoadOne(tx, deal_id, cache);
  if (!loaded.ok()) return loaded.error();
  DealProcess& p = loaded.value();
  if (expected_version && *expected_version != p.version) {
    Error err = Error::Conflict("deal " + std::to_string(deal_id) + " was changed by someone else (version " +
                                std::to_string(p.version) + ", you sent " + std::to_string(*expected_version) +
                                "); reload and try again");
    err.extra = {{"current", GetRecord(tx, Deals(), deal_id, actor.now).value()}};
    return err;
  }
  auto decided = process::Decide(*p.definition, p.state, event, actor.now, WorkTimeFor(tx, p, work_time, cache));
  if (!decided.ok()) return decided.error();
  if (auto applied = ApplyDecision(tx, p, event, decided.value(), actor, cache); !applied.ok()) return applied.error();
  return decided;
}

std::vector<DueTimer> DueTimers(Tx& tx, TimeMs now, int limit, const DueTimer* after) {
  std::vector<DueTimer> out;
  std::string sql = "SELECT deal_id, code, fires_at FROM process_timers WHERE fires_at <= ?";
  std::vector<Value> params = {now};
  if (after) {
    // Keyset: strictly after the last timer of the previous page, in firing order.
    sql += " AND (fires_at > ? OR (fires_at = ? AND (deal_id > ? OR (deal_id = ? AND code > ?))))";
    params.insert(params.end(), {after->fires_at, after->fires_at, after->deal_id, after->deal_id, after->code});
  }
  sql += " ORDER BY fires_at, deal_id, code LIMIT " + std::to_string(limit);
  for (const auto& r : tx.Query(sql, params)) out.push_back({r.Int(0), r.Text(1), r.Int(2)});
  return out;
}

int FireDueTimers(Database& db, TimeMs now, const process::WorkTime& work_time, int batch) {
  int fired = 0;
  // A sweep walks the due timers once in firing order, a page at a time: one read loads the
  // page's cards, the engine decides in memory, one transaction writes the page. Timers that
  // become due while firing (a clock that jumped far sets deadlines already past) and timers
  // whose card another server changed meanwhile are behind the cursor: the next sweep gets them.
  for (int sweep = 0; sweep < 64; ++sweep) {
    int fired_in_sweep = 0;
    bool again = false;
    std::optional<DueTimer> after;
    for (;;) {
      std::vector<DueTimer> due;
      std::map<int64_t, Result<DealProcess>> cards;
      ProcessWriteCache cache;
      {
        auto tx = db.Begin(TxMode::kRead);
        due = DueTimers(*tx, now, batch, after ? &*after : nullptr);
        std::vector<int64_t> ids;
        for (const auto& t : due) ids.push_back(t.deal_id);
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        cards = LoadDealProcesses(*tx, ids, cache);
      }
      if (due.empty()) break;
      after = due.back();
      int n = 0;
      bool retry = false;
      // Fast path: no savepoint per timer (in SQLite each one copies every page it touches).
      // ApplyDecision refuses before its first write, so only an unexpected failure halfway
      // can leave a card half-written; then the page is undone and written again carefully,
      // a savepoint per timer, so that the failing card does not stop the rest.
      struct Halfway {};
      for (bool careful : {false, true}) {
        try {
          db.Write([&](Tx& tx) {
            n = 0;  // set again: an engine may run this function again
            retry = false;
            auto page = cards;
            ProcessRows rows;  // written with a few multi-row statements before commit
            std::set<int64_t> stale;  // changed by someone else since the page was read
            const char* claim = "DELETE FROM process_timers WHERE deal_id = ? AND code = ? AND fires_at = ?";
            for (const auto& t : due) {
              if (stale.count(t.deal_id)) continue;
              // Claim the timer; if another runner took it, nothing happens.
              if (tx.Exec(claim, {t.deal_id, t.code, t.fires_at}) == 0) continue;
              auto card = page.find(t.deal_id);
              if (card == page.end() || !card->second.ok()) continue;  // deal gone or without a process: dropped
              DealProcess& p = card->second.value();
              process::Event e{process::Event::Kind::kTimerFired, "", t.code, json::object()};
              const Actor actor{std::nullopt, now};
              auto decided = process::Decide(*p.definition, p.state, e, now, WorkTimeFor(tx, p, work_time, cache));
              if (!decided.ok()) continue;  // a closed card: the timer is dropped
              if (careful) tx.ExecScript("SAVEPOINT fire");
              DealProcess before = careful ? p : DealProcess{};
              auto mark = rows.mark();
              auto applied = ApplyDecision(tx, p, e, decided.value(), actor, cache, &rows);
              if (applied.ok()) {
                if (careful) tx.ExecScript("RELEASE SAVEPOINT fire");
                ++n;
                continue;
              }
              if (applied.error().code == Code::kConflict) {
                // Changed by another server since the page was read (nothing was written):
                // undo the claim; the next sweep fires it.
                if (careful) tx.ExecScript("RELEASE SAVEPOINT fire");
                tx.Exec("INSERT INTO process_timers (deal_id, code, fires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                        {t.deal_id, t.code, t.fires_at});
                stale.insert(t.deal_id);
                retry = true;
                continue;
              }
              if (!careful) throw Halfway{};
              // The card's writes are undone; its timer stays claimed (dropped), the rest go on.
              tx.ExecScript("ROLLBACK TO SAVEPOINT fire");
              tx.ExecScript("RELEASE SAVEPOINT fire");
              rows.Undo(mark);
              p = std::move(before);
            }
            rows.Flush(tx);
            tx.Commit();
          });
          break;
        } catch (const Halfway&) {
          cache = ProcessWriteCache{};
        }
      }
      fired_in_sweep += n;
      again = again || retry;
    }
    fired += fired_in_sweep;
    if (fired_in_sweep == 0 && !again) break;
  }
  return fired;
}

}  // namespace voronka::storage
