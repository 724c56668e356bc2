#include "process/replay.h"

#include <set>

namespace voronka::process {

namespace {

constexpr int kMaxTimersPerCard = 1000;  // a definition that re-arms a timer at once must not loop

void Count(const Decision& d, RuleCounts& out) {
  for (const auto& e : d.effects) {
    if (auto x = std::get_if<effects::CreateTask>(&e)) ++out["task " + x->code];
    else if (auto x = std::get_if<effects::Deviation>(&e)) ++out["deviation " + x->code];
    else if (auto x = std::get_if<effects::StageChanged>(&e)) ++out["stage " + x->to];
    else if (auto x = std::get_if<effects::SendEmail>(&e)) ++out["email " + x->template_code];
  }
}

}  // namespace

ReplayResult Replay(const Definition& def, const std::vector<RecordedCard>& cards, TimeMs until, const WorkTime& wt) {
  ReplayResult r;
  for (const auto& card : cards) {
    if (card.events.empty()) continue;
    ++r.cards;
    CardState state;
    bool started = false;
    int fired = 0;
    auto fire_due = [&](TimeMs upto) {
      while (fired < kMaxTimersPerCard && !state.timers.empty()) {
        auto next = state.timers.begin();
        for (auto it = state.timers.begin(); it != state.timers.end(); ++it)
          if (it->second < next->second) next = it;
        if (next->second > upto) return;
        std::string code = next->first;
        TimeMs at = next->second;
        ++fired;
        ++r.timers_fired;
        auto d = Decide(def, state, {Event::Kind::kTimerFired, "", code, nlohmann::json::object()}, at, wt);
        if (!d.ok()) {
          state.timers.erase(code);
          continue;
        }
        Count(d.value(), r.counts);
        state = std::move(d.value().state);
      }
    };
    for (const auto& e : card.events) {
      if (started) fire_due(e.at);
      if (!started && e.event.kind != Event::Kind::kCreated) break;  // no beginning recorded
      // A move to where the card already is was made by the process itself (an automatic
      // move recorded in the audit trail): this definition makes its own.
      if (e.event.kind == Event::Kind::kMove && e.event.to == state.stage) continue;
      ++r.events;
      // A checkpoint task done while its deadline is still pending is on time; after it fired, late.
      const char* done = nullptr;
      if (e.event.kind == Event::Kind::kTaskDone && state.open_tasks.count(e.event.code))
        done = state.timers.count("task:" + e.event.code) ? " done on time" : " done late";
      auto d = Decide(def, state, e.event, e.at, wt);
      if (!d.ok()) {
        // A refused move names its stage; other refused events their kind.
        std::string name = LogName(e.event);
        if (e.event.kind != Event::Kind::kMove) name = name.substr(0, name.find(' '));
        ++r.counts["refused " + name];
        continue;
      }
      if (done) ++r.counts["task " + e.event.code + done];
      Count(d.value(), r.counts);
      state = std::move(d.value().state);
      started = true;
    }
    if (started) fire_due(until);
  }
  return r;
}

std::vector<RuleDiff> CompareReplays(const RuleCounts& before, const RuleCounts& after) {
  std::set<std::string> rules;
  for (const auto& [k, v] : before) rules.insert(k);
  for (const auto& [k, v] : after) rules.insert(k);
  std::vector<RuleDiff> out;
  for (const auto& rule : rules) {
    auto b = before.find(rule), a = after.find(rule);
    int64_t nb = b == before.end() ? 0 : b->second, na = a == after.end() ? 0 : a->second;
    if (nb != na) out.push_back({rule, nb, na});
  }
  return out;
}

std::string LogName(const Event& e) {
  using K = Event::Kind;
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

std::optional<Event> EventFromLog(const std::string& name, const nlohmann::json& fields) {
  using K = Event::Kind;
  auto space = name.find(' ');
  std::string head = name.substr(0, space);
  std::string arg = space == std::string::npos ? "" : name.substr(space + 1);
  nlohmann::json f = fields.is_object() ? fields : nlohmann::json::object();
  if (head == "created") return Event{K::kCreated, "", "", f};
  if (head == "move" && !arg.empty()) return Event{K::kMove, arg, "", f};
  if (head == "fields") return Event{K::kFieldsChanged, "", "", f};
  if (head == "check" && !arg.empty()) return Event{K::kCheck, "", arg, f};
  if (head == "task_done" && !arg.empty()) return Event{K::kTaskDone, "", arg, f};
  if (head == "scored") return Event{K::kScored, "", "", f};
  if (head == "lost" && !arg.empty()) return Event{K::kLost, "", arg, f};
  if (head == "external" && !arg.empty()) return Event{K::kExternal, "", arg, f};
  return std::nullopt;
}

}  // namespace voronka::process
