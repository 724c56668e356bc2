#include "storage/process_store.h"

#include <set>

#include "domain/entity.h"
#include "domain/validate.h"
#include "storage/definitions_store.h"

namespace voronka::storage {

using nlohmann::json;
using process::Decision;
namespace fx = process::effects;

namespace {

const domain::EntitySpec& Deals() { return *domain::FindEntity("deals"); }

// The deal's own fields the process conditions may read.
const char* kDealFields[] = {"channel", "score", "segment", "amount", "product", "region", "lost_reason",
                             "decision_date", "status"};

// Users behind a role for this deal.
std::vector<int64_t> UsersFor(Tx& tx, const std::string& role, const DealProcess& d) {
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
  return out;
}

void Notify(Tx& tx, const DealProcess& d, const std::vector<std::string>& roles, const std::string& kind,
            const process::Text& message, TimeMs now) {
  std::set<int64_t> users;
  for (const auto& role : roles)
    for (int64_t u : UsersFor(tx, role, d)) users.insert(u);
  for (int64_t u : users)
    tx.Exec("INSERT INTO notifications (user_id, deal_id, kind, message_ru, message_en, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            {u, d.deal_id, kind, message.ru, message.en, now});
}

std::string EventName(const process::Event& e) {
  using K = process::Event::Kind;
  switch (e.kind) {
    case K::kCreated: return "created";
    case K::kMove: return "move " + e.to;
    case K::kFieldsChanged: return "fields";
    case K::kCheck: return "check " + e.code;
    case K::kTaskDone: return "task_done " + e.code;
    case K::kTimerFired: return "timer " + e.code;
    case K::kScored: return "scored";
    case K::kLost: return "lost " + e.code;
    case K::kExternal: return "external " + e.code;
  }
  return "event";
}

}  // namespace

Result<DealProcess> LoadDealProcess(Tx& tx, int64_t deal_id) {
  auto deal = GetRecord(tx, Deals(), deal_id, 0);
  if (!deal.ok()) return deal.error();
  const json& d = deal.value();
  DealProcess p;
  p.deal_id = deal_id;
  p.version = d["version"].get<int64_t>();
  p.pipeline = d["pipeline"].get<std::string>();
  if (!d["responsible_id"].is_null()) p.responsible_id = d["responsible_id"].get<int64_t>();
  auto rows = tx.Query("SELECT process_state, process_version FROM deals WHERE id = ?", {deal_id});
  std::optional<int> pinned;
  if (!rows.empty() && !rows[0].IsNull(1)) pinned = static_cast<int>(rows[0].Int(1));
  p.definition = GetDefinition(tx, p.pipeline, pinned);
  if (!p.definition)
    return Error::Unprocessable("pipeline", "deal " + std::to_string(deal_id) + " is in pipeline '" + p.pipeline +
                                                "', which has no process definition");
  p.process_version = pinned.value_or(LatestDefinitionVersion(tx, p.pipeline).value_or(1));
  if (!rows.empty() && !rows[0].IsNull(0)) p.state = process::CardState::FromJson(json::parse(rows[0].Text(0), nullptr, false));
  if (p.state.stage.empty()) {
    p.state.stage = d["stage"].get<std::string>();
    p.state.status = d["status"].get<std::string>();
  }
  for (const char* f : kDealFields) {
    json v = d[f];
    if (std::string(f) == "decision_date" && v.is_string()) v = *ParseIso(v.get<std::string>());
    if (!v.is_null()) p.state.fields[f] = v;
  }
  return p;
}

Result<Decision> RunProcessEvent(Tx& tx, int64_t deal_id, const process::Event& event,
                                 std::optional<int64_t> expected_version, const Actor& actor,
                                 const process::WorkTime& work_time) {
  auto loaded = LoadDealProcess(tx, deal_id);
  if (!loaded.ok()) return loaded.error();
  DealProcess& p = loaded.value();
  if (expected_version && *expected_version != p.version) {
    Error err = Error::Conflict("deal " + std::to_string(deal_id) + " was changed by someone else (version " +
                                std::to_string(p.version) + ", you sent " + std::to_string(*expected_version) +
                                "); reload and try again");
    err.extra = {{"current", GetRecord(tx, Deals(), deal_id, actor.now).value()}};
    return err;
  }
  const process::Definition& def = *p.definition;
  auto decided = process::Decide(def, p.state, event, actor.now, work_time);
  if (!decided.ok()) return decided.error();
  const Decision& decision = decided.value();
  const process::CardState& s = decision.state;

  // The deal's own columns follow the card.
  json patch = json::object();
  std::string event_name = EventName(event);
  for (const auto& e : decision.effects) {
    if (auto x = std::get_if<fx::SetField>(&e); x && x->field == "lost_reason") patch["lost_reason"] = x->value;
  }
  patch["stage"] = s.stage;
  patch["status"] = s.status;
  if (s.fields.contains("score") && s.fields["score"].is_number_integer()) patch["score"] = s.fields["score"];
  if (s.fields.contains("segment") && (s.fields["segment"].is_string() || s.fields["segment"].is_null()))
    patch["segment"] = s.fields["segment"];
  domain::FieldValues values;
  for (auto& [k, v] : patch.items()) {
    const auto* f = Deals().Find(k);
    auto valid = domain::ValidateField(*f, v);
    if (valid.ok()) values.emplace_back(f, valid.value());
  }
  auto updated = UpdateRecord(tx, Deals(), deal_id, p.version, values, actor);
  if (!updated.ok()) return updated.error();
  tx.Exec("UPDATE deals SET process_state = ?, process_version = ? WHERE id = ?",
          {s.ToJson().dump(), int64_t(p.process_version), deal_id});

  for (const auto& e : decision.effects) {
    tx.Exec("INSERT INTO process_log (deal_id, at, user_id, event, effect) VALUES (?, ?, ?, ?, ?)",
            {deal_id, actor.now, OptInt(actor.user_id), event_name, process::Describe(e)});
    if (auto x = std::get_if<fx::CreateTask>(&e)) {
      auto assignees = UsersFor(tx, x->assignee, p);
      json body = {{"title", x->title.ru}, {"deal_id", deal_id}, {"due_at", FormatIso(x->due_at)}, {"kind", x->code}};
      if (!assignees.empty()) body["assignee_id"] = assignees.front();
      auto task_values = domain::ValidateCreate(*domain::FindEntity("tasks"), body);
      if (!task_values.ok()) return task_values.error();
      domain::SetValue(task_values.value(), domain::FindEntity("tasks")->Find("author_id"), json(actor.user_id ? json(*actor.user_id) : json(nullptr)));
      auto task = CreateRecord(tx, *domain::FindEntity("tasks"), task_values.value(), actor);
      if (!task.ok()) return task.error();
    } else if (auto x = std::get_if<fx::SetTimer>(&e)) {
      tx.Exec("DELETE FROM process_timers WHERE deal_id = ? AND code = ?", {deal_id, x->code});
      tx.Exec("INSERT INTO process_timers (deal_id, code, fires_at) VALUES (?, ?, ?)", {deal_id, x->code, x->at});
    } else if (auto x = std::get_if<fx::CancelTimer>(&e)) {
      tx.Exec("DELETE FROM process_timers WHERE deal_id = ? AND code = ?", {deal_id, x->code});
    } else if (auto x = std::get_if<fx::Notify>(&e)) {
      Notify(tx, p, x->roles, "notice", x->message, actor.now);
    } else if (auto x = std::get_if<fx::Deviation>(&e)) {
      tx.Exec("INSERT INTO deviations (deal_id, code, user_id, message_ru, message_en, created_at) VALUES (?, ?, ?, ?, ?, ?)",
              {deal_id, x->code, OptInt(p.responsible_id), x->message.ru, x->message.en, actor.now});
      Notify(tx, p, x->notify, "deviation", x->message, actor.now);
    } else if (auto x = std::get_if<fx::SendEmail>(&e)) {
      tx.Exec("INSERT INTO outbox (kind, deal_id, payload, created_at, next_attempt_at) VALUES ('email', ?, ?, ?, ?)",
              {deal_id, json{{"template", x->template_code}, {"to", x->to}}.dump(), actor.now, actor.now});
    } else if (auto x = std::get_if<fx::AddMembers>(&e)) {
      // Roles that are users here (the head) join the working group; the others are asked of the head.
      std::vector<std::string> to_pick;
      for (const auto& role : x->roles) {
        if (role == "head") {
          for (int64_t u : UsersFor(tx, "head", p))
            tx.Exec("INSERT INTO deal_members (deal_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING", {deal_id, u});
        } else {
          to_pick.push_back(role);
        }
      }
      if (!to_pick.empty()) {
        std::string roles;
        for (const auto& r : to_pick) roles += (roles.empty() ? "" : ", ") + r;
        Notify(tx, p, {"head"}, "working_group",
               {"Сформируйте рабочую группу по сделке: " + roles, "Form the deal's working group: " + roles}, actor.now);
      }
    }
  }
  return decision;
}

std::vector<DueTimer> DueTimers(Tx& tx, TimeMs now, int limit) {
  std::vector<DueTimer> out;
  for (const auto& r : tx.Query("SELECT deal_id, code, fires_at FROM process_timers WHERE fires_at <= ? "
                                "ORDER BY fires_at, deal_id, code LIMIT " + std::to_string(limit),
                                {now}))
    out.push_back({r.Int(0), r.Text(1), r.Int(2)});
  return out;
}

int FireDueTimers(Database& db, TimeMs now, const process::WorkTime& work_time, int batch) {
  int fired = 0;
  for (;;) {
    std::vector<DueTimer> due;
    {
      auto tx = db.Begin(TxMode::kRead);
      due = DueTimers(*tx, now, batch);
    }
    if (due.empty()) return fired;
    // One transaction per batch, a savepoint per timer: a failing card does not stop the rest.
    db.Write([&](Tx& tx) {
      int n = 0;  // counted after the commit: an engine may run this function again
      for (const auto& t : due) {
        const char* claim = "DELETE FROM process_timers WHERE deal_id = ? AND code = ? AND fires_at = ?";
        tx.ExecScript("SAVEPOINT fire");
        // Claim the timer; if another runner took it, nothing happens.
        if (tx.Exec(claim, {t.deal_id, t.code, t.fires_at}) == 0) {
          tx.ExecScript("RELEASE SAVEPOINT fire");
          continue;
        }
        process::Event e{process::Event::Kind::kTimerFired, "", t.code, json::object()};
        auto r = RunProcessEvent(tx, t.deal_id, e, std::nullopt, {std::nullopt, now}, work_time);
        if (!r.ok()) {
          tx.ExecScript("ROLLBACK TO SAVEPOINT fire");
          // The deal was changed by another server between our read and our write (PostgreSQL):
          // the claim is undone too and the timer fires on the next pass. A timer whose deal is
          // gone or closed is dropped; its partial effects are undone.
          if (r.error().code == Code::kConflict) {
            tx.ExecScript("RELEASE SAVEPOINT fire");
            continue;
          }
          tx.Exec(claim, {t.deal_id, t.code, t.fires_at});
        }
        tx.ExecScript("RELEASE SAVEPOINT fire");
        ++n;
      }
      tx.Commit();
      fired += n;
    });
  }
}

}  // namespace voronka::storage
