#include "process/diff.h"

#include <set>

namespace voronka::process {

namespace {

std::string List(const std::vector<std::string>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s + "]";
}

std::string Actions(const std::vector<Action>& actions) {
  std::vector<std::string> parts;
  for (const auto& a : actions) {
    switch (a.kind) {
      case Action::Kind::kTask:
        parts.push_back("task " + a.code + (a.due ? " due " + FormatDuration(*a.due) : "") +
                        (a.due_field.empty() ? "" : " at " + a.due_field) + (a.checkpoint ? " checkpoint" : ""));
        break;
      case Action::Kind::kNotify: parts.push_back("notify " + List(a.notify)); break;
      case Action::Kind::kDeviation: parts.push_back("deviation " + a.code); break;
      case Action::Kind::kEmail: parts.push_back("email " + a.template_code); break;
      case Action::Kind::kMove: parts.push_back("move " + a.to); break;
      case Action::Kind::kMembers: parts.push_back("members " + List(a.roles)); break;
      case Action::Kind::kSet: parts.push_back("set " + a.field); break;
    }
  }
  return List(parts);
}

std::vector<std::string> Codes(const std::vector<std::pair<std::string, Text>>& items) {
  std::vector<std::string> out;
  for (const auto& [code, t] : items) out.push_back(code);
  return out;
}

std::string Timers(const std::vector<Timer>& timers) {
  std::vector<std::string> parts;
  for (const auto& t : timers) parts.push_back("after " + FormatDuration(t.after) + " " + Actions(t.actions));
  return List(parts);
}

}  // namespace

std::vector<std::string> DiffDefinitions(const Definition& a, const Definition& b) {
  std::vector<std::string> out;
  if (a.name.ru != b.name.ru || a.name.en != b.name.en) out.push_back("~ name: " + a.name.ru + " → " + b.name.ru);
  std::vector<std::string> order_a, order_b;
  for (const auto& s : a.stages) order_a.push_back(s.code);
  for (const auto& s : b.stages) order_b.push_back(s.code);
  for (const auto& s : a.stages)
    if (!b.FindStage(s.code)) out.push_back("- stage " + s.code);
  for (const auto& s : b.stages) {
    const Stage* old = a.FindStage(s.code);
    if (!old) {
      out.push_back("+ stage " + s.code + " (" + s.name.ru + ")");
      continue;
    }
    auto field = [&](const std::string& what, const std::string& x, const std::string& y) {
      if (x != y) out.push_back("~ stage " + s.code + ": " + what + " " + x + " → " + y);
    };
    field("name", old->name.ru, s.name.ru);
    field("goal", old->goal.ru, s.goal.ru);
    field("script steps", std::to_string(old->script.size()), std::to_string(s.script.size()));
    field("checklist", List(Codes(old->checklist)), List(Codes(s.checklist)));
    field("requires", List(old->requires_fields), List(s.requires_fields));
    field("next", List(old->next), List(s.next));
    field("returns", List(old->returns), List(s.returns));
    field("on_enter", Actions(old->on_enter), Actions(s.on_enter));
    field("timers", Timers(old->timers), Timers(s.timers));
    field("kind", old->kind.empty() ? "-" : old->kind, s.kind.empty() ? "-" : s.kind);
  }
  if (order_a != order_b) {
    std::vector<std::string> common_a, common_b;
    for (const auto& c : order_a)
      if (b.FindStage(c)) common_a.push_back(c);
    for (const auto& c : order_b)
      if (a.FindStage(c)) common_b.push_back(c);
    if (common_a != common_b) out.push_back("~ stage order: " + List(order_a) + " → " + List(order_b));
  }
  std::set<std::string> reasons_a, reasons_b;
  for (const auto& r : a.lost_reasons) reasons_a.insert(r.code);
  for (const auto& r : b.lost_reasons) reasons_b.insert(r.code);
  for (const auto& r : reasons_a)
    if (!reasons_b.count(r)) out.push_back("- lost reason " + r);
  for (const auto& r : b.lost_reasons) {
    const LostReason* old = a.FindLostReason(r.code);
    if (!old) out.push_back("+ lost reason " + r.code);
    else if (Actions(old->actions) != Actions(r.actions) || old->requires_fields != r.requires_fields)
      out.push_back("~ lost reason " + r.code + ": " + Actions(old->actions) + " → " + Actions(r.actions));
  }
  size_t n = std::max(a.triggers.size(), b.triggers.size());
  for (size_t i = 0; i < n; ++i) {
    if (i >= a.triggers.size()) out.push_back("+ trigger on " + b.triggers[i].on + " " + Actions(b.triggers[i].actions));
    else if (i >= b.triggers.size()) out.push_back("- trigger on " + a.triggers[i].on);
    else if (a.triggers[i].on != b.triggers[i].on || Actions(a.triggers[i].actions) != Actions(b.triggers[i].actions))
      out.push_back("~ trigger " + std::to_string(i + 1) + ": on " + a.triggers[i].on + " " +
                    Actions(a.triggers[i].actions) + " → on " + b.triggers[i].on + " " + Actions(b.triggers[i].actions));
  }
  return out;
}

}  // namespace voronka::process
