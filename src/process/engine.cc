#include "process/engine.h"

#include <algorithm>

namespace voronka::process {

using nlohmann::json;

TimeMs AddDuration(const WorkTime& wt, TimeMs from, const Duration& d) {
  switch (d.unit) {
    case Duration::Unit::kMinutes: return from + d.amount * 60'000;
    case Duration::Unit::kWorkingMinutes: return wt.AddWorkingMinutes(from, d.amount);
    case Duration::Unit::kBusinessDays: return wt.AddBusinessDays(from, static_cast<int>(d.amount));
    case Duration::Unit::kDays: return from + d.amount * 86'400'000;
  }
  return from;
}

json CardState::ToJson() const {
  json t = json::object();
  for (const auto& [code, at] : timers) t[code] = at;
  return {{"stage", stage}, {"status", status}, {"fields", fields}, {"checked", checked},
          {"timers", t}, {"open_tasks", open_tasks}};
}

CardState CardState::FromJson(const json& j) {
  CardState s;
  if (!j.is_object()) return s;
  s.stage = j.value("stage", "");
  s.status = j.value("status", "open");
  if (j.contains("fields") && j["fields"].is_object()) s.fields = j["fields"];
  if (j.contains("checked") && j["checked"].is_array())
    for (const auto& c : j["checked"]) s.checked.insert(c.get<std::string>());
  if (j.contains("timers") && j["timers"].is_object())
    for (const auto& [code, at] : j["timers"].items()) s.timers[code] = at.get<TimeMs>();
  if (j.contains("open_tasks") && j["open_tasks"].is_array())
    for (const auto& c : j["open_tasks"]) s.open_tasks.insert(c.get<std::string>());
  return s;
}

namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

class Run {
 public:
  Run(const Definition& def, CardState state, TimeMs now, const WorkTime& wt)
      : def_(def), s_(std::move(state)), now_(now), wt_(wt) {}

  Result<Decision> Finish() { return Decision{std::move(s_), std::move(fx_)}; }

  Status Apply(const Event& e) {
    switch (e.kind) {
      case Event::Kind::kCreated: {
        for (auto& [k, v] : e.fields.items()) s_.fields[k] = v;
        s_.stage.clear();
        return Enter(def_.first().code);
      }
      case Event::Kind::kMove: return Move(e.to);
      case Event::Kind::kFieldsChanged: {
        std::vector<std::string> changed;
        for (auto& [k, v] : e.fields.items()) {
          if (s_.fields.contains(k) && s_.fields[k] == v) continue;
          s_.fields[k] = v;
          changed.push_back(k);
        }
        for (const auto& k : changed) Fire("field_changed:" + k);
        return Status::Ok();
      }
      case Event::Kind::kCheck: {
        const Stage* stage = def_.FindStage(s_.stage);
        bool known = false;
        if (stage)
          for (const auto& [code, text] : stage->checklist) known = known || code == e.code;
        if (!known) return Error::Invalid("item", "stage " + s_.stage + " has no checklist item '" + e.code + "'");
        bool on = !e.fields.contains("checked") || e.fields["checked"] != false;
        if (on) s_.checked.insert(e.code);
        else s_.checked.erase(e.code);
        return Status::Ok();
      }
      case Event::Kind::kTaskDone: {
        if (s_.open_tasks.erase(e.code)) Cancel("task:" + e.code);
        Fire("task_done:" + e.code);
        return Status::Ok();
      }
      case Event::Kind::kTimerFired: return TimerFired(e.code);
      case Event::Kind::kScored: {
        for (auto& [k, v] : e.fields.items()) s_.fields[k] = v;
        Fire("scored");
        return Status::Ok();
      }
      case Event::Kind::kLost: return Lost(e.code, e.fields);
      case Event::Kind::kExternal: {
        Fire("external:" + e.code);
        return Status::Ok();
      }
    }
    return Status::Ok();
  }

 private:
  Status Move(const std::string& to) {
    const Stage* from = def_.FindStage(s_.stage);
    const Stage* target = def_.FindStage(to);
    if (!target) return Error::Invalid("to", "no stage '" + to + "' in pipeline " + def_.code);
    if (!from) return Enter(to);  // a card on a stage the definition no longer has may go anywhere
    bool forward = std::find(from->next.begin(), from->next.end(), to) != from->next.end();
    bool back = std::find(from->returns.begin(), from->returns.end(), to) != from->returns.end();
    if (target->kind == "lost")
      return Error::Unprocessable("to", "to close a card as lost, give a lost reason");
    if (!forward && !back) {
      std::vector<std::string> allowed = from->next;
      allowed.insert(allowed.end(), from->returns.begin(), from->returns.end());
      return Error::Unprocessable("to", "cannot move from " + from->code + " to " + to + "; allowed: " +
                                            (allowed.empty() ? "none" : Join(allowed)));
    }
    if (forward) {
      json missing = json::array();
      for (const auto& f : from->requires_fields) {
        Condition set{f, Condition::Op::kIsSet, nullptr};
        if (!set.Holds(s_.fields)) missing.push_back({{"kind", "field"}, {"code", f}});
      }
      for (const auto& [code, text] : from->checklist)
        if (!s_.checked.count(code))
          missing.push_back({{"kind", "checklist"}, {"code", code}, {"ru", text.ru}, {"en", text.en}});
      if (!missing.empty()) {
        std::string list;
        for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m["code"].get<std::string>();
        Error err = Error::Unprocessable("to", "stage " + from->code + " is not finished: " + list);
        err.extra = {{"missing", missing}};
        return err;
      }
    }
    // The user moves the card on: the process tasks still open were evidently done.
    std::vector<std::string> open(s_.open_tasks.begin(), s_.open_tasks.end());
    for (const auto& code : open) {
      Cancel("task:" + code);
      s_.open_tasks.erase(code);
      fx_.push_back(effects::CloseTask{code, true});
    }
    return Enter(to);
  }

  Status Enter(const std::string& code) {
    if (++depth_ > 16) return Error::Unprocessable("to", "the pipeline moves in a loop at stage " + code);
    const Stage* stage = def_.FindStage(code);
    if (!stage) return Error::Invalid("to", "no stage '" + code + "' in pipeline " + def_.code);
    std::string from = s_.stage;
    // Leaving a stage cancels its timers.
    if (!from.empty()) {
      std::vector<std::string> gone;
      for (const auto& [t, at] : s_.timers)
        if (t.rfind(from + ".", 0) == 0) gone.push_back(t);
      for (const auto& t : gone) Cancel(t);
    }
    s_.stage = code;
    s_.checked.clear();
    fx_.push_back(effects::StageChanged{from, code});
    if (!stage->kind.empty()) {
      s_.status = stage->kind;
      std::vector<std::string> all;
      for (const auto& [t, at] : s_.timers) all.push_back(t);
      for (const auto& t : all) Cancel(t);
      for (const auto& code : s_.open_tasks) fx_.push_back(effects::CloseTask{code, false});
      s_.open_tasks.clear();
    } else {
      s_.status = "open";
    }
    for (const auto& a : stage->on_enter)
      if (auto st = Do(a); !st.ok()) return st;
    if (s_.stage != code) return Status::Ok();  // an action moved the card on
    for (const auto& t : stage->timers) {
      TimeMs at = AddDuration(wt_, now_, t.after);
      s_.timers[t.code] = at;
      fx_.push_back(effects::SetTimer{t.code, at});
    }
    for (const auto& [cond, to] : stage->auto_moves)
      if (cond.Holds(s_.fields)) return Enter(to);
    return Status::Ok();
  }

  Status TimerFired(const std::string& code) {
    auto it = s_.timers.find(code);
    if (it == s_.timers.end()) return Status::Ok();  // cancelled or fired already: nothing happens twice
    s_.timers.erase(it);
    if (code.rfind("task:", 0) == 0) {
      std::string task = code.substr(5);
      if (!s_.open_tasks.count(task)) return Status::Ok();
      const Action* a = FindTaskAction(task);
      Text message = a ? Text{"Просрочена задача «" + a->title.ru + "»", "Task overdue: " + a->title.en}
                       : Text{"Просрочена задача " + task, "Task overdue: " + task};
      std::vector<std::string> notify = a && !a->notify.empty() ? a->notify : std::vector<std::string>{"head"};
      fx_.push_back(effects::Deviation{"overdue:" + task, message, notify});
      return Status::Ok();
    }
    for (const auto& stage : def_.stages)
      for (const auto& t : stage.timers)
        if (t.code == code) {
          for (const auto& a : t.actions)
            if (auto st = Do(a); !st.ok()) return st;
          return Status::Ok();
        }
    return Status::Ok();
  }

  Status Lost(const std::string& reason_code, const json& fields) {
    const LostReason* reason = def_.FindLostReason(reason_code);
    if (!reason) {
      std::vector<std::string> codes;
      for (const auto& r : def_.lost_reasons) codes.push_back(r.code);
      return Error::Invalid("reason", "no lost reason '" + reason_code + "'; use one of: " + Join(codes));
    }
    for (auto& [k, v] : fields.items()) s_.fields[k] = v;
    json missing = json::array();
    for (const auto& f : reason->requires_fields) {
      Condition set{f, Condition::Op::kIsSet, nullptr};
      if (!set.Holds(s_.fields)) missing.push_back({{"kind", "field"}, {"code", f}});
    }
    if (!missing.empty()) {
      Error err = Error::Unprocessable("fields", "lost reason " + reason_code + " needs: " +
                                                     Join(reason->requires_fields));
      err.extra = {{"missing", missing}};
      return err;
    }
    s_.fields["lost_reason"] = reason_code;
    fx_.push_back(effects::SetField{"lost_reason", reason_code});
    std::string before = s_.stage;
    size_t moves_before = CountStageChanges();
    for (const auto& a : reason->actions)
      if (auto st = Do(a); !st.ok()) return st;
    Fire("lost:" + reason_code);
    if (CountStageChanges() == moves_before) {  // no follow-up move: the card closes as lost
      for (const auto& s : def_.stages)
        if (s.kind == "lost") return Enter(s.code);
    }
    (void)before;
    return Status::Ok();
  }

  size_t CountStageChanges() const {
    return std::count_if(fx_.begin(), fx_.end(),
                         [](const Effect& e) { return std::holds_alternative<effects::StageChanged>(e); });
  }

  void Fire(const std::string& on) {
    for (const auto& t : def_.triggers) {
      if (t.on != on) continue;
      bool ok = std::all_of(t.when.begin(), t.when.end(), [&](const Condition& c) { return c.Holds(s_.fields); });
      if (!ok) continue;
      for (const auto& a : t.actions) (void)Do(a);
    }
  }

  void Cancel(const std::string& code) {
    if (s_.timers.erase(code)) fx_.push_back(effects::CancelTimer{code});
  }

  const Action* FindTaskAction(const std::string& code) const {
    auto find = [&](const std::vector<Action>& list) -> const Action* {
      for (const auto& a : list)
        if (a.kind == Action::Kind::kTask && a.code == code) return &a;
      return nullptr;
    };
    for (const auto& s : def_.stages) {
      if (auto a = find(s.on_enter)) return a;
      for (const auto& t : s.timers)
        if (auto a = find(t.actions)) return a;
    }
    for (const auto& t : def_.triggers)
      if (auto a = find(t.actions)) return a;
    for (const auto& r : def_.lost_reasons)
      if (auto a = find(r.actions)) return a;
    return nullptr;
  }

  Status Do(const Action& a) {
    for (const auto& c : a.when)
      if (!c.Holds(s_.fields)) return Status::Ok();
    switch (a.kind) {
      case Action::Kind::kTask: {
        TimeMs due = now_;
        if (a.due) due = AddDuration(wt_, now_, *a.due);
        if (!a.due_field.empty()) {
          const json& v = s_.fields.contains(a.due_field) ? s_.fields[a.due_field] : json();
          if (v.is_number_integer()) due = v.get<TimeMs>();
          if (a.due_before) due -= AddDuration(wt_, 0, *a.due_before);
          if (due < now_) due = now_;
        }
        fx_.push_back(effects::CreateTask{a.code, a.title, due, a.assignee, a.checkpoint});
        if (a.checkpoint) {
          s_.open_tasks.insert(a.code);
          s_.timers["task:" + a.code] = due;
          fx_.push_back(effects::SetTimer{"task:" + a.code, due});
        }
        return Status::Ok();
      }
      case Action::Kind::kNotify:
        fx_.push_back(effects::Notify{a.notify.empty() ? std::vector<std::string>{"responsible"} : a.notify, a.message});
        return Status::Ok();
      case Action::Kind::kDeviation:
        fx_.push_back(effects::Deviation{a.code, a.message, a.notify.empty() ? std::vector<std::string>{"head"} : a.notify});
        return Status::Ok();
      case Action::Kind::kEmail:
        fx_.push_back(effects::SendEmail{a.template_code, a.to});
        return Status::Ok();
      case Action::Kind::kMove: return Enter(a.to);
      case Action::Kind::kMembers:
        fx_.push_back(effects::AddMembers{a.roles});
        return Status::Ok();
      case Action::Kind::kSet:
        s_.fields[a.field] = a.value;
        fx_.push_back(effects::SetField{a.field, a.value});
        return Status::Ok();
    }
    return Status::Ok();
  }

  const Definition& def_;
  CardState s_;
  TimeMs now_;
  const WorkTime& wt_;
  std::vector<Effect> fx_;
  int depth_ = 0;
};

}  // namespace

std::string Describe(const Effect& e) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, effects::StageChanged>)
          return "stage " + (x.from.empty() ? std::string("-") : x.from) + " -> " + x.to;
        else if constexpr (std::is_same_v<T, effects::CreateTask>)
          return "task " + x.code + " for " + x.assignee + " due " + FormatIso(x.due_at) + (x.checkpoint ? " checkpoint" : "");
        else if constexpr (std::is_same_v<T, effects::SetTimer>)
          return "timer " + x.code + " at " + FormatIso(x.at);
        else if constexpr (std::is_same_v<T, effects::CancelTimer>)
          return "cancel timer " + x.code;
        else if constexpr (std::is_same_v<T, effects::Notify>)
          return "notify " + Join(x.roles) + ": " + x.message.en;
        else if constexpr (std::is_same_v<T, effects::Deviation>)
          return "deviation " + x.code + " to " + Join(x.notify) + ": " + x.message.en;
        else if constexpr (std::is_same_v<T, effects::SendEmail>)
          return "email " + x.template_code + " to " + x.to;
        else if constexpr (std::is_same_v<T, effects::AddMembers>)
          return "members + " + Join(x.roles);
        else if constexpr (std::is_same_v<T, effects::CloseTask>)
          return std::string(x.completed ? "complete" : "drop") + " task " + x.code;
        else
          return "set " + x.field + " = " + x.value.dump();
      },
      e);
}

Result<Decision> Decide(const Definition& def, const CardState& state, const Event& event, TimeMs now,
                        const WorkTime& wt) {
  if (def.stages.empty()) return Error::Invalid("definition", "pipeline " + def.code + " has no stages");
  if (event.kind != Event::Kind::kCreated && event.kind != Event::Kind::kTimerFired && state.status != "open" &&
      event.kind != Event::Kind::kMove)
    return Error::Invalid("event", "the card is closed (" + state.status + ")");
  Run run(def, state, now, wt);
  if (auto st = run.Apply(event); !st.ok()) return st.error();
  return run.Finish();
}

}  // namespace voronka::process
